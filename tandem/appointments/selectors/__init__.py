"""Appointments reads, each scoped by the caller's access check and owning its joins."""

from .booking import BookingCheck, BookingWarning, Suggestion, booking_check, live_appointments
from .diary import (
    DiaryRow,
    PrintableDay,
    PrintableDiary,
    PrintableEntry,
    appointment_for,
    appointment_row_for,
    diary_for,
    diary_row,
    person_appointments,
    printable_diary,
    worker_appointments,
)
from .engagement import (
    AttendanceRate,
    EnforcementRecord,
    NotEngaging,
    attendance_rates,
    attendance_rates_by_agency,
    enforcement_for,
    not_engaging,
    open_flags_for,
)

__all__ = [
    "AttendanceRate",
    "BookingCheck",
    "BookingWarning",
    "DiaryRow",
    "EnforcementRecord",
    "NotEngaging",
    "PrintableDay",
    "PrintableDiary",
    "PrintableEntry",
    "Suggestion",
    "appointment_for",
    "appointment_row_for",
    "attendance_rates",
    "attendance_rates_by_agency",
    "booking_check",
    "diary_for",
    "diary_row",
    "enforcement_for",
    "live_appointments",
    "not_engaging",
    "open_flags_for",
    "person_appointments",
    "printable_diary",
    "worker_appointments",
]

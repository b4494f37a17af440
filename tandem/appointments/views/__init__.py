"""The diary pages: one module per part (diary, booking, one appointment, enforcement and
attendance, contact and calendar feeds)."""

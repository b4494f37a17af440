import { initAll } from '/static/govuk/govuk-frontend.min.js'

initAll()

// The heading a table sits under, for naming it when it has no caption.
function headingBefore (element) {
  for (let node = element; node && node !== document.body; node = node.parentElement) {
    for (let sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
      const heading = sibling.matches('h1, h2, h3, h4') ? sibling : sibling.querySelector('h1, h2, h3, h4')
      if (heading) return heading.textContent.trim()
    }
  }
  return 'Table'
}

// Wide tables scroll sideways inside their own box on narrow screens, so the page itself
// never does (WCAG reflow). A box that scrolls takes keyboard focus, so it can be scrolled
// without a mouse, and is named after the table's caption (or heading) for screen readers.
const names = new Map()
for (const table of document.querySelectorAll('table.govuk-table')) {
  const box = document.createElement('div')
  box.className = 'tandem-table-scroll'
  table.replaceWith(box)
  box.append(table)
  let name = table.caption ? table.caption.textContent.trim() : headingBefore(box)
  const seen = (names.get(name) || 0) + 1
  names.set(name, seen)
  if (seen > 1) name = `${name} (table ${seen})`
  const mark = () => {
    if (box.scrollWidth <= box.clientWidth) {
      box.removeAttribute('tabindex')
      box.removeAttribute('role')
      box.removeAttribute('aria-label')
    } else {
      box.tabIndex = 0
      box.setAttribute('role', 'region')
      box.setAttribute('aria-label', `${name} (scrolls sideways)`)
    }
  }
  mark()
  window.addEventListener('resize', mark)
}

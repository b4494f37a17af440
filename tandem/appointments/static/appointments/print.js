// The "Print" button works only with JavaScript, so it is shown only then.
for (const button of document.querySelectorAll('[data-tandem-print]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}

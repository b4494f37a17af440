// Tell GOV.UK Frontend that JavaScript and ES modules are available before the page paints.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');

// Live preview of `sociale-kaart serve`: reloads the page after every
// rebuild. The server sends the id of the current build on connecting and
// after each rebuild; the page knows the build it was served from.
// Loaded from a file, never inline, so the site's CSP applies unchanged.
(() => {
  'use strict';
  const script = document.querySelector('script[data-build]');
  const served = script ? script.getAttribute('data-build') : null;
  const events = new EventSource('/__sociale-kaart/events');
  events.addEventListener('build', (event) => {
    if (event.data !== served) {
      events.close();
      window.location.reload();
    }
  });
})();

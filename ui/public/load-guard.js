/* global window, document, location, sessionStorage, setTimeout, clearTimeout */
// Loaded before the tab's code, as a plain script (the Content-Security-Policy allows no inline script).
//
// A browser drops the requests it has in flight whenever the machine's network changes, and docker changes
// it at every container start and stop: a module of the tab's code can fail to arrive. The browser then
// remembers that module's failure for the page, so only loading the page again helps. Until the tab has
// started, a module that fails (the entry, a preloaded part, or the start the entry imports, which reports
// here) loads the page again, after 0.5, 1, 2, 4 then 8 s: about 15 s in all, longer than docker starting
// two dozen containers keeps the network changing. Then it says so and offers to load it again.
// Once the tab has started, this does nothing: a part loaded later is asked again where it is used.
(function () {
  'use strict';
  var KEY = 'dockbase.loadAttempts';
  var PAUSES_MS = [500, 1000, 2000, 4000, 8000];
  var started = false;
  var pending;

  function attempts() {
    try {
      return Number(sessionStorage.getItem(KEY)) || 0;
    } catch {
      return PAUSES_MS.length; // without session storage the count cannot be kept: say so at once
    }
  }

  function giveUp(what) {
    var root = document.getElementById('root');
    if (!root) return;
    var text = document.createElement('p');
    text.textContent = 'Dockbase could not load its code (' + what + ' did not arrive). ';
    var again = document.createElement('button');
    again.type = 'button';
    again.textContent = 'Load again';
    again.addEventListener('click', function () {
      try {
        sessionStorage.removeItem(KEY);
      } catch {
        // the count is only advice
      }
      location.reload();
    });
    text.appendChild(again);
    root.replaceChildren(text);
  }

  function failed(what) {
    if (started || pending) return;
    var n = attempts();
    if (n >= PAUSES_MS.length) return giveUp(what);
    try {
      sessionStorage.setItem(KEY, String(n + 1));
    } catch {
      return giveUp(what);
    }
    pending = setTimeout(function () {
      location.reload();
    }, PAUSES_MS[n]);
  }

  window.dockbaseLoad = {
    /** A part the tab needs to start did not arrive (`what` names it for the message). */
    failed: failed,
    /** The tab has started: nothing is loaded again from here on. */
    started: function () {
      started = true;
      if (pending) clearTimeout(pending);
      pending = undefined;
      try {
        sessionStorage.removeItem(KEY);
      } catch {
        // nothing kept, nothing to clear
      }
    },
  };

  // Scripts and module preloads that fail to arrive raise `error` on their element, which does not bubble:
  // it is caught on its way down.
  window.addEventListener(
    'error',
    function (event) {
      var el = event.target;
      if (!el || el === window) return;
      var isScript = el.tagName === 'SCRIPT';
      var isPreload = el.tagName === 'LINK' && el.rel === 'modulepreload';
      if (isScript || isPreload) failed((el.getAttribute('src') || el.getAttribute('href') || 'a part').replace(/^.*\//, ''));
    },
    true,
  );
})();

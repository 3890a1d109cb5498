/* Mentorbro's own JS: start DKFDS components on load and on content htmx swaps in.
   Loaded with defer after htmx and DKFDS; no inline scripts (CSP script-src 'self'). */
(function () {
  'use strict';

  // DKFDS.init() also starts the header Navigation, which is global and not idempotent,
  // so it runs once per page. Swapped-in fragments get only the per-element components.
  var COMPONENTS = [
    ['.accordion, .accordion-bordered', 'Accordion'],
    ['.alert.has-close', 'Alert'],
    ['.form-limit', 'CharacterLimit'],
    ['.js-checkbox-toggle-content', 'CheckboxToggleContent'],
    ['.js-dropdown', 'Dropdown'],
    ['[data-module="error-summary"]', 'ErrorSummary'],
    ['.js-radio-toggle-group', 'RadioToggleGroup'],
    ['.tab-container', 'Tabs'],
    ['.tooltip-wrapper', 'Tooltip']
  ];

  function each(root, selector, fn) {
    var found = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) found.unshift(root);
    found.forEach(fn);
  }

  function initFragment(root) {
    if (!window.DKFDS || !root.querySelectorAll) return;
    COMPONENTS.forEach(function (pair) {
      var Component = window.DKFDS[pair[1]];
      if (!Component) return;
      each(root, pair[0], function (el) {
        if (el.hasAttribute('data-app-init')) return;  // never bind listeners twice
        el.setAttribute('data-app-init', '');
        try {
          new Component(el).init();
        } catch (err) {
          if (window.console) console.error(err);
        }
      });
    });
    each(root, 'table.table--responsive-headers', function (el) { new window.DKFDS.ResponsiveTable(el); });
    focusErrorSummary(root);
  }

  function focusErrorSummary(root) {
    var summary = root.querySelector ? root.querySelector('[data-error-summary]') : null;
    if (summary) summary.focus();
  }

  var started = false;
  function start() {
    if (started) return;
    started = true;
    if (window.DKFDS) {
      try {
        window.DKFDS.init();
      } catch (err) {
        // One broken component must not stop the rest (or the error summary focus below).
        if (window.console) console.error(err);
      }
      // Mark what DKFDS.init() bound so a later htmx:load on the same element is a no-op.
      COMPONENTS.forEach(function (pair) {
        each(document, pair[0], function (el) { el.setAttribute('data-app-init', ''); });
      });
    }
    focusErrorSummary(document);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }

  // After htmx adds or removes an entry (an education, a job) or adds a note, the swapped-in content says
  // where focus goes (data-focus: the new entry's first field, the new note, or the heading) and what to
  // announce (data-announce) in the live region that stays in the page (data-live, else #step-announcement).
  document.addEventListener('htmx:afterSettle', function () {
    each(document, '[data-announce]', function (el) {
      var region = document.getElementById(el.getAttribute('data-live') || 'step-announcement');
      var target = document.getElementById(el.getAttribute('data-focus') || '');
      if (region) region.textContent = el.getAttribute('data-announce');
      if (target) target.focus();
      el.removeAttribute('data-announce');
      el.removeAttribute('data-focus');
    });
  });

  // htmx fires htmx:load for every element it adds (and once for <body> on start-up).
  document.addEventListener('htmx:load', function (event) {
    var el = event.detail && event.detail.elt;
    if (!el || el === document.body) return;
    initFragment(el);
  });
})();

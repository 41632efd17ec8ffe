// roastbot/live.js: bring the roastbot footer's day counts up to the reader's today.
//
// The footer is right on the day the site was built; a page read a week later would
// still say "2 days ago". This script recounts the days from each author's last
// entry (time.roastbot-days[datetime]) to the reader's clock, in the site's time
// zone (div.roastbot-footer[data-timezone], UTC if the browser does not know it),
// and applies roastbot's rule: on track while days < cadence, due on the day they
// are equal, overdue after. Authors with no entry are left as they are; without
// JavaScript the build-time text stands. Text is only ever set with textContent.
// Each updated footer gets data-live-date=YYYY-MM-DD, the day it was counted to.
//
// Loaded by the roastbot/live-script.html partial (footer.html's `live` option).
(() => {
  "use strict";

  const DAY_MS = 86400000;
  const STATUS_TEXT = { on_track: "on track", due: "due today", overdue: "overdue" };

  // A formatter of Gregorian calendar dates in `zone`, else in UTC (an unknown zone).
  function dateFormatter(zone) {
    const make = (timeZone) =>
      new Intl.DateTimeFormat("en-US-u-ca-gregory-nu-latn", {
        timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
      });
    try {
      return make(zone || "UTC");
    } catch (unknownZone) {
      return make("UTC");
    }
  }

  // The calendar date of `ms` (epoch milliseconds) in the formatter's zone, as a
  // day number (days since 1970-01-01), so that dates subtract to whole days.
  function dayNumber(format, ms) {
    const parts = {};
    for (const part of format.formatToParts(new Date(ms))) {
      parts[part.type] = part.value;
    }
    return Date.UTC(+parts.year, +parts.month - 1, +parts.day) / DAY_MS;
  }

  // The day number of a datetime attribute: a bare date is that date, anything
  // else is an instant placed on the site's calendar. NaN when unreadable.
  function entryDay(format, value) {
    const bare = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (bare) {
      return Date.UTC(+bare[1], +bare[2] - 1, +bare[3]) / DAY_MS;
    }
    const ms = Date.parse(value);
    return isNaN(ms) ? NaN : dayNumber(format, ms);
  }

  function daysText(days) {
    if (days === 0) return "today";
    if (days === 1) return "yesterday";
    return `${days} days ago`;
  }

  function updateAuthor(line, format, today) {
    const time = line.querySelector("time.roastbot-days[datetime]");
    const cadence = parseInt(line.getAttribute("data-cadence-days"), 10);
    if (!line.hasAttribute("data-days-since") || !time || !(cadence > 0)) return;
    const days = today - entryDay(format, time.getAttribute("datetime"));
    if (!(days >= 0)) return; // unreadable date, or an entry after the reader's today

    let status = "overdue";
    if (days < cadence) status = "on_track";
    else if (days === cadence) status = "due";
    time.textContent = daysText(days);
    line.setAttribute("data-days-since", String(days));
    line.setAttribute("data-status", status);
    for (const name of Object.keys(STATUS_TEXT)) {
      line.classList.toggle(`roastbot-status-${name}`, name === status);
    }
    const label = line.querySelector(".roastbot-status");
    if (label) label.textContent = STATUS_TEXT[status];
  }

  function updateFooter(footer) {
    const format = dateFormatter(footer.getAttribute("data-timezone"));
    // A reader's clock behind the build is wrong: the page cannot predate its build.
    const built = Date.parse(footer.getAttribute("data-generated-at") || "");
    const now = isNaN(built) ? Date.now() : Math.max(Date.now(), built);
    const today = dayNumber(format, now);
    for (const line of footer.querySelectorAll("[data-roastbot-author]")) {
      updateAuthor(line, format, today);
    }
    const isoToday = new Date(today * DAY_MS).toISOString().slice(0, 10);
    footer.setAttribute("data-live-date", isoToday);
  }

  function run() {
    document.querySelectorAll(".roastbot-footer").forEach(updateFooter);
  }

  // Several footers on a page may each load this file; one run updates them all.
  if (window.roastbotLive) return;
  window.roastbotLive = { run: run };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();

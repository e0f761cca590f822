// My calendar: FullCalendar 7 (vendored, global build) reading the person's entries from the
// server's JSON endpoint. Times are shown on Riga time, whatever zone the browser is in.
(function () {
  "use strict";
  var box = document.getElementById("calendar");
  var status = document.getElementById("calendar-status");
  if (!box || !window.FullCalendar) { return; }
  var calendar = new window.FullCalendar.Calendar(box, {
    initialView: "dayGridMonth",
    initialDate: box.dataset.today,
    timeZone: "Europe/Riga",
    locale: box.dataset.locale === "lv" ? "lv" : "en-gb",
    firstDay: 1,
    height: "auto",
    headerToolbar: { start: "prev,next today", center: "title", end: "dayGridMonth,timeGridWeek,listMonth" },
    eventSources: [{
      url: box.dataset.events,
      method: "GET",
      failure: function () {
        status.textContent = box.dataset.error;
        box.dataset.ready = "error";
      }
    }],
    loading: function (busy) {
      if (!busy && box.dataset.ready !== "error") {
        box.dataset.ready = "true";
        box.dataset.events_shown = String(calendar.getEvents().length);
      }
    }
  });
  calendar.render();
}());

/* ecabinet: live answers on a meeting's page (Socket.IO, same origin, session cookie).
 *
 * The server emits "invitation_answered" to the rooms of the meeting's secretary and creator;
 * the row of that invitation in table[data-live-invitations] is updated in place. Labels come
 * from data-label-* attributes of the table, so the texts stay translated by the server.
 */
(function () {
  "use strict";

  var table = document.querySelector("table[data-live-invitations]");
  if (!table || typeof window.io !== "function") {
    return;
  }
  var meetingId = parseInt(table.getAttribute("data-meeting-id"), 10);
  var announcer = document.getElementById("live-announcer");

  function label(name) {
    return table.getAttribute("data-label-" + name) || name;
  }

  function badge(response) {
    var classes = {pending: "text-bg-light border", attending: "text-bg-success", absent: "text-bg-danger",
                   delegated: "text-bg-info"};
    var span = document.createElement("span");
    span.className = "badge " + (classes[response] || "text-bg-light");
    span.setAttribute("data-response", response);
    span.textContent = label(response);
    return span;
  }

  function detail(data) {
    var parts = [];
    if (data.response === "absent" && data.absence_reason) {
      parts.push(label("reason") + ": " + data.absence_reason);
    } else if (data.response === "delegated" && data.delegate) {
      parts.push(label("delegate") + ": " + data.delegate);
    }
    if (data.attendee) {
      parts.push(label("attendee") + ": " + data.attendee);
    }
    return parts.join(" · ");
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // dd/mm/yyyy HH:MM in the province's zone, as the server shows times
  function nowInZone() {
    var now = new Date();
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-GB", {timeZone: table.getAttribute("data-time-zone") || undefined,
        day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23"})
        .formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
      return parts.day + "/" + parts.month + "/" + parts.year + " " + parts.hour + ":" + parts.minute;
    } catch (err) {
      return pad(now.getDate()) + "/" + pad(now.getMonth() + 1) + "/" + now.getFullYear() + " " +
        pad(now.getHours()) + ":" + pad(now.getMinutes());
    }
  }

  var socket = window.io({transports: ["websocket", "polling"], withCredentials: true});
  socket.on("invitation_answered", function (data) {
    if (!data || data.meeting_id !== meetingId) {
      return;
    }
    var row = table.querySelector('tr[data-invitation-id="' + data.invitation_id + '"]');
    if (!row) {
      return;
    }
    var answer = row.querySelector(".js-answer");
    if (answer) {
      answer.replaceChildren(badge(data.response));
    }
    var info = row.querySelector(".js-answer-detail");
    if (info) {
      info.textContent = detail(data);
    }
    var when = row.querySelector(".js-answered-at");
    if (when) {
      when.textContent = nowInZone();
    }
    row.classList.remove("just-updated");
    void row.offsetWidth; // restart the highlight
    row.classList.add("just-updated");
    if (announcer) {
      announcer.textContent = label("updated").replace("{name}", row.getAttribute("data-name") || "") +
        ": " + label(data.response);
    }
  });
})();

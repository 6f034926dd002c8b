/* ecabinet: the live meeting room, shared by the leaders' tablet and the console (templates/live/).
 *
 * One Socket.IO connection (same origin, session cookie): "live:join" answers the snapshot, kept in `state`;
 * each "live:change" is applied when its version is the next one (one of kind "snapshot" when newer), else the
 * script asks "live:snapshot".
 * After a reconnection the socket joins again. Every action goes through "live:action" and its ack; errors come
 * translated from the server. Labels come from data-labels (translated by the server), never from this file.
 */
(function () {
  "use strict";

  var root = document.getElementById("live-room");
  if (!root || typeof window.io !== "function") {
    return;
  }
  var meetingId = parseInt(root.getAttribute("data-meeting-id"), 10);
  var mode = root.getAttribute("data-mode");
  var labels = JSON.parse(root.getAttribute("data-labels") || "{}");
  var state = null;
  var me = {seats: [], voted_for: [], floor_request_id: null, can_run: false, can_present: false};
  var itemClock = {base: 0, since: 0, running: false};
  var socket = window.io();
  window.ecabinetLiveSocket = socket;  // other panels of the page (conclusions.js) listen on the same connection

  function $(id) {
    return document.getElementById(id);
  }

  function label(name, fields) {
    var text = labels[name] || name;
    Object.keys(fields || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(String(fields[key]));
    });
    return text;
  }

  function show(element, visible) {
    if (element) {
      element.classList.toggle("d-none", !visible);
    }
  }

  function setText(id, text) {
    var element = $(id);
    if (element) {
      element.textContent = text;
    }
  }

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (text !== undefined && text !== null) {
      element.textContent = text;
    }
    return element;
  }

  function button(text, className, onClick) {
    var element = make("button", "btn " + className, text);
    element.type = "button";
    element.addEventListener("click", onClick);
    return element;
  }

  // --- errors and the connection indicator ----------------------------------------------------------------

  function showError(message) {
    var box = $("live-error");
    box.textContent = message || label("error");
    show(box, true);
  }

  function clearError() {
    show($("live-error"), false);
  }

  function setConnection(name) {
    var indicator = $("live-connection");
    indicator.setAttribute("data-state", name);
    setText("live-connection-text", label(name));
  }

  // --- talking to the server ------------------------------------------------------------------------------

  function act(action, args, trigger, failed) {
    if (trigger) {
      trigger.disabled = true;
    }
    socket.emit("live:action", {meeting_id: meetingId, action: action, args: args || {}}, function (ack) {
      if (trigger) {
        trigger.disabled = false;
      }
      if (ack && ack.ok) {
        clearError();
        loadMe();
      } else {
        showError(ack && ack.error && ack.error.message);
        if (failed) {
          failed();
        }
      }
      render(); // the change may have arrived before the ack: the buttons follow the state, not the click
    });
  }

  function applySnapshot(snapshot) {
    state = snapshot;
    itemMoved();
    render();
    loadMe();
  }

  function join() {
    socket.emit("live:join", {meeting_id: meetingId}, function (ack) {
      if (ack && ack.ok) {
        if (ack.tally) {
          tally = ack.tally;
        }
        setConnection("connected");
        clearError();
        applySnapshot(ack.snapshot);
      } else {
        showError(ack && ack.error && ack.error.message);
      }
    });
  }

  function resync() {
    socket.emit("live:snapshot", {meeting_id: meetingId}, function (ack) {
      if (ack && ack.ok) {
        applySnapshot(ack.snapshot);
      } else {
        join();
      }
    });
  }

  function loadMe() {
    fetch(root.getAttribute("data-me-url"), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (body) {
          me = body;
          render();
        }
      })
      .catch(function () { /* offline: the indicator says so; the next change loads it again */ });
  }

  socket.on("connect", join);
  socket.on("disconnect", function (reason) {
    setConnection(reason === "io client disconnect" ? "offline" : "reconnecting");
  });
  socket.on("connect_error", function () {
    setConnection(socket.active ? "reconnecting" : "offline");
  });
  socket.io.on("reconnect_attempt", function () {
    setConnection("reconnecting");
  });
  socket.io.on("reconnect_failed", function () {
    setConnection("offline");
  });
  window.addEventListener("offline", function () {
    setConnection("offline");
  });
  window.addEventListener("online", function () {  // back from the network: the state as it is now
    if (socket.connected) {
      resync();
    } else {
      socket.connect();
    }
  });

  socket.on("live:change", function (change) {
    if (!state || change.meeting_id !== meetingId || change.version <= state.version) {
      return;
    }
    if (change.kind === "snapshot") {  // the whole state, sent again after the server may have missed changes
      applySnapshot(change.data);
      return;
    }
    if (change.version !== state.version + 1) {
      resync();
      return;
    }
    Object.assign(state, change.data || {});
    state.version = change.version;
    if (change.data && "item" in change.data) {
      itemMoved();
    }
    render();
    if (["attendance", "speakers", "vote"].indexOf(change.kind) >= 0) {
      loadMe();
    }
  });

  // The console's running tally: the snapshot has none (only "cast"), so until a "live:tally" arrives for the
  // open vote the counts are unknown ("–"), except when nobody has voted yet.
  var tally = null;

  socket.on("live:tally", function (counts) {
    if (counts.meeting_id === meetingId) {
      tally = counts;
      render();
    }
  });

  function renderTally(vote) {
    var known = tally && tally.vote_id === vote.id ? tally : null;
    if (!known && vote.cast === 0) {
      known = {agree: 0, disagree: 0, abstain: 0};
    }
    ["agree", "disagree", "abstain"].forEach(function (key) {
      setText("tally-" + key, known ? known[key] : "–");
    });
    setText("tally-cast", known && known.cast !== undefined ? Math.max(known.cast, vote.cast) : vote.cast);
    setText("tally-entitled", vote.entitled);
  }

  socket.on("live:error", function (error) {
    if (error && error.meeting_id === meetingId) {
      showError(error.message);
    }
  });

  // --- the item's timer -----------------------------------------------------------------------------------

  function itemMoved() {
    var item = state && state.item;
    itemClock = {base: item ? item.elapsed_seconds || 0 : 0, since: Date.now(), running: !!(item && item.running)};
    tick();
  }

  function tick() {
    var seconds = itemClock.base;
    if (itemClock.running) {
      seconds += Math.floor((Date.now() - itemClock.since) / 1000);
    }
    var minutes = Math.floor(seconds / 60);
    var text = (minutes < 10 ? "0" : "") + minutes + ":" + ("0" + (seconds % 60)).slice(-2);
    var timer = $("live-item-timer");
    timer.textContent = state && state.item ? text : "--:--";
    timer.classList.toggle("is-running", itemClock.running);
    var current = state && state.item && itemOf(state.item.id);
    timer.classList.toggle("is-over", !!(current && current.planned_minutes && minutes >= current.planned_minutes));
  }

  window.setInterval(tick, 1000);

  // --- rendering ------------------------------------------------------------------------------------------

  function itemOf(id) {
    return (state.agenda || []).filter(function (item) {
      return item.id === id;
    })[0];
  }

  function memberName(userId) {
    var member = ((state.attendance && state.attendance.members) || []).filter(function (m) {
      return m.user_id === userId;
    })[0];
    return member ? member.name : "";
  }

  function render() {
    if (!state) {
      return;
    }
    renderStatus();
    renderAgenda();
    renderAttendance();
    renderSpeakers();
    renderVote();
    renderPresentation();
  }

  function renderStatus() {
    var badge = $("live-status");
    badge.setAttribute("data-status", state.status);
    badge.textContent = label(state.status);
    if (mode !== "console") {
      return;
    }
    var status = state.status;
    var enabled = {start: status === "not_started", pause: status === "running", resume: status === "paused",
                   end: status === "running" || status === "paused"};
    Object.keys(enabled).forEach(function (action) {
      $("console-" + action).disabled = !enabled[action];
    });
    show($("console-start"), status === "not_started");
    show($("console-start-reason-box"), status === "not_started");
    show($("console-resume"), status === "paused");
    show($("console-pause"), status !== "paused");
    var moving = status === "running" || status === "paused";
    $("console-previous").disabled = !moving;
    $("console-next").disabled = !moving;
  }

  function renderAgenda() {
    var list = $("live-agenda");
    var currentId = state.item ? state.item.id : null;
    var goto = mode === "console" && (state.status === "running" || state.status === "paused");
    list.textContent = "";
    (state.agenda || []).forEach(function (item) {
      var row = make("li", "live-agenda-item" + (item.id === currentId ? " is-current" : ""));
      row.setAttribute("data-item-id", item.id);
      if (item.id === currentId) {
        row.setAttribute("aria-current", "step");
      }
      row.appendChild(make("span", "live-agenda-pos", item.position + "."));
      var body = make("span", "live-agenda-body");
      body.appendChild(make("span", "live-agenda-title", item.title));
      var meta = label("minutes", {minutes: item.planned_minutes});
      if (item.presenting_unit) {
        meta += " · " + item.presenting_unit;
      }
      body.appendChild(make("small", "d-block text-body-secondary", meta));
      row.appendChild(body);
      if (goto && item.id !== currentId) {
        var go = button("", "btn-outline-primary btn-sm live-goto", function () {
          act("goto_item", {item_id: item.id}, go);
        });
        go.setAttribute("aria-label", label("go_to") + ": " + item.title);
        go.title = label("go_to");
        go.appendChild(make("i", "bi bi-arrow-right-circle"));
        row.appendChild(go);
      }
      list.appendChild(row);
    });
    var current = currentId ? itemOf(currentId) : null;
    setText("live-current-item", current ? current.position + ". " + current.title : label("no_item"));
    $("live-current-item").classList.toggle("is-set", !!current);
    tick();
  }

  function renderAttendance() {
    var attendance = state.attendance || {expected: 0, present: 0, quorum: 0, has_quorum: false, members: []};
    setText("live-present-count", label("present_of", {present: attendance.present, expected: attendance.expected}));
    var quorum = $("live-quorum");
    quorum.setAttribute("data-quorum", attendance.has_quorum ? "true" : "false");
    quorum.className = "badge " + (attendance.has_quorum ? "text-bg-success" : "text-bg-warning");
    quorum.textContent = label(attendance.has_quorum ? "quorum_ok" : "quorum_missing", {quorum: attendance.quorum});
    if (mode === "console") {
      renderMembers(attendance.members || []);
      return;
    }
    var mine = (attendance.members || []).filter(function (m) {
      return me.seats.indexOf(m.user_id) >= 0;
    });
    var missing = mine.some(function (m) {
      return !m.present;
    });
    show($("live-check-in"), missing && state.status !== "ended");
    show($("live-checked-in"), mine.length > 0 && !missing);
  }

  function renderMembers(members) {
    var list = $("console-members");
    list.textContent = "";
    members.forEach(function (member) {
      var row = make("li", "live-member" + (member.present ? " is-present" : ""));
      row.setAttribute("data-user-id", member.user_id);
      var who = make("span", "live-member-name", member.name);
      if (member.attendee) {
        who.appendChild(make("small", "d-block text-body-secondary", label("delegate", {name: member.attendee})));
      }
      row.appendChild(who);
      row.appendChild(make("span", "badge " + (member.present ? "text-bg-success" : "text-bg-light border"),
                           label(member.present ? "present" : "absent")));
      var toggle = button(label(member.present ? "check_out" : "check_in"),
                          (member.present ? "btn-outline-secondary" : "btn-outline-success") + " btn-sm",
                          function () {
                            act(member.present ? "check_out_for" : "check_in_for", {user_id: member.user_id}, toggle);
                          });
      toggle.disabled = state.status === "ended";
      row.appendChild(toggle);
      list.appendChild(row);
    });
  }

  function renderSpeakers() {
    var speakers = state.speakers || {current: null, queue: []};
    setText("live-floor-name", speakers.current ? speakers.current.name : label("no_speaker"));
    $("live-floor").classList.toggle("has-speaker", !!speakers.current);
    var list = $("live-queue");
    list.textContent = "";
    if (!speakers.queue.length) {
      list.appendChild(make("li", "text-body-secondary live-queue-empty", label("queue_empty")));
    }
    var ids = speakers.queue.map(function (r) {
      return r.request_id;
    });
    speakers.queue.forEach(function (request, index) {
      var row = make("li", "live-queue-item" + (me.seats.indexOf(request.user_id) >= 0 ? " is-mine" : ""));
      row.setAttribute("data-request-id", request.request_id);
      row.appendChild(make("span", "live-agenda-pos", (index + 1) + "."));
      row.appendChild(make("span", "live-queue-name", request.name));
      if (mode === "console") {
        row.appendChild(queueButtons(ids, index));
      }
      list.appendChild(row);
    });
    if (mode === "console") {
      $("console-end-floor").disabled = !speakers.current;
      return;
    }
    var canSpeak = me.seats.length > 0 && !!state.item && (state.status === "running" || state.status === "paused");
    var waiting = me.floor_request_id && ids.indexOf(me.floor_request_id) >= 0;
    show($("live-request-floor"), canSpeak && !me.floor_request_id);
    show($("live-withdraw-floor"), !!waiting);
  }

  function queueButtons(ids, index) {
    var group = make("span", "live-queue-actions");
    function move(step) {
      var order = ids.slice();
      var other = order[index + step];
      order[index + step] = order[index];
      order[index] = other;
      return function (event) {
        act("order_speakers", {request_ids: order}, event.currentTarget);
      };
    }
    var up = button("", "btn-outline-secondary btn-sm", move(-1));
    up.appendChild(make("i", "bi bi-arrow-up"));
    up.setAttribute("aria-label", label("up"));
    up.disabled = index === 0;
    var down = button("", "btn-outline-secondary btn-sm", move(1));
    down.appendChild(make("i", "bi bi-arrow-down"));
    down.setAttribute("aria-label", label("down"));
    down.disabled = index === ids.length - 1;
    var give = button(label("give_floor"), "btn-primary btn-sm live-give-floor", function () {
      act("give_floor", {request_id: ids[index]}, give);
    });
    group.appendChild(up);
    group.appendChild(down);
    group.appendChild(give);
    return group;
  }

  function renderResult(vote) {
    var closed = !!(vote && vote.status === "closed" && vote.result);
    show($("live-vote-result"), closed);
    if (closed) {
      ["agree", "disagree", "abstain"].forEach(function (key) {
        setText("result-" + key, vote.result[key]);
      });
    }
  }

  function renderVote() {
    var vote = state.vote;
    if (vote) {
      setText("live-vote-question", vote.question);
      setText("live-vote-kind", label(vote.secret ? "secret" : "named"));
      setText("live-vote-state", vote.status === "open"
        ? label("vote_open") + " · " + label("cast_of", {cast: vote.cast, entitled: vote.entitled})
        : label("vote_closed"));
    }
    renderResult(vote);
    if (mode === "console") {
      var open = !!(vote && vote.status === "open");
      show($("console-vote-form"), !open);
      show($("console-vote-open"), open);
      $("console-open-vote").disabled = state.status !== "running" && state.status !== "paused";
      if (open) {
        renderTally(vote);
      }
      var result = $("console-result-question");
      show(result, !!(vote && vote.status === "closed"));
      result.textContent = vote ? vote.question : "";
      return;
    }
    show($("live-vote"), !!vote);
    renderBallots(vote);
  }

  var ballotsSent = {}; // "<vote id>:<seat>" cast from here, until /live/me confirms it (no double vote)

  function renderBallots(vote) {
    var box = $("live-ballots");
    box.textContent = "";
    var open = !!(vote && vote.status === "open");
    var seats = open ? me.seats : [];
    function hasVoted(seat) {
      return me.voted_for.indexOf(seat) >= 0 || !!ballotsSent[vote.id + ":" + seat];
    }
    show($("live-voted"), open && seats.length > 0 && seats.every(hasVoted));
    seats.forEach(function (seat) {
      var voted = hasVoted(seat);
      var group = make("div", "live-ballot");
      group.setAttribute("data-seat", seat);
      if (seats.length > 1) {
        group.appendChild(make("p", "small fw-semibold mb-1", label("seat_of", {name: memberName(seat)})));
      }
      var choices = make("div", "live-choices");
      [["agree", "btn-success"], ["disagree", "btn-danger"], ["abstain", "btn-secondary"]].forEach(function (pair) {
        var choice = pair[0];
        var ballot = button(label(choice), pair[1] + " btn-touch live-choice", function () {
          var args = {choice: choice};
          if (seats.length > 1) {
            args.for_user_id = seat;
          }
          ballotsSent[vote.id + ":" + seat] = true;
          renderBallots(vote);
          act("cast_vote", args, null, function () {
            delete ballotsSent[vote.id + ":" + seat];
          });
        });
        ballot.setAttribute("data-choice", choice);
        ballot.disabled = voted;
        choices.appendChild(ballot);
      });
      group.appendChild(choices);
      box.appendChild(group);
    });
  }

  // --- the presented material -----------------------------------------------------------------------------

  var follow = true;
  var frame = $("live-reader");
  var frameMaterial = null;
  var drivenUntil = 0;

  function describePresentation(presentation) {
    if (!presentation) {
      return label("nothing_presented");
    }
    return presentation.title + " · " + label("page_of", {page: presentation.page, count: presentation.page_count}) +
      (presentation.presenter ? " · " + label("presenter", {name: presentation.presenter}) : "");
  }

  function renderPresentation() {
    var presentation = state.presentation;
    setText("live-presented", describePresentation(presentation));
    if (mode === "console") {
      renderPresentControls(presentation);
      return;
    }
    show(frame, !!presentation);
    show($("live-return-follow"), !!presentation && !follow);
    if (!presentation) {
      return;
    }
    if (frameMaterial !== presentation.material_id) {
      if (!follow && frameMaterial !== null) {
        return; // browsing another material: "back to following" opens the presented one
      }
      frameMaterial = presentation.material_id;
      frame.src = root.getAttribute("data-reader-url").replace("{id}", presentation.material_id) +
        "?page=" + presentation.page;
      return;
    }
    if (follow) {
      driveReader(presentation.page);
    }
  }

  function reader() {
    try {
      return frame.contentWindow && frame.contentWindow.ecabinetReader;
    } catch (error) {
      return null;
    }
  }

  function driveReader(page) {
    var embedded = reader();
    if (embedded) {
      drivenUntil = Date.now() + 1500;
      embedded.goTo(page);
    }
  }

  function setFollow(on) {
    follow = on;
    $("live-follow").checked = on;
    if (on && state && state.presentation && frameMaterial !== state.presentation.material_id) {
      frameMaterial = null;
    }
    if (state) {
      renderPresentation();
    }
  }

  function embedReader() {
    var doc = frame.contentDocument;
    if (!doc) {
      return;
    }
    doc.documentElement.classList.add("live-embedded");  // reader.css hides the page's chrome in the frame
    frame.contentWindow.dispatchEvent(new Event("resize"));
    var embedded = reader();
    if (!embedded) {
      return;
    }
    embedded.onPageChange(function (page) {
      var presentation = state && state.presentation;
      if (follow && presentation && page !== presentation.page && Date.now() > drivenUntil) {
        setFollow(false);
      }
    });
    if (follow && state && state.presentation) {
      driveReader(state.presentation.page);
    }
  }

  function renderPresentControls(presentation) {
    var select = $("console-material");
    if (!select) {
      return;
    }
    var page = $("console-page");
    if (presentation && document.activeElement !== page) {
      select.value = String(presentation.material_id);
      page.value = presentation.page;
    }
    var option = select.options[select.selectedIndex];
    page.max = option ? option.getAttribute("data-page-count") : 1;
    $("console-stop-presenting").disabled = !presentation;
    $("console-page-prev").disabled = !presentation || presentation.page <= 1;
    $("console-page-next").disabled = !presentation || presentation.page >= presentation.page_count;
  }

  // --- the controls ---------------------------------------------------------------------------------------

  root.addEventListener("click", function (event) {
    var trigger = event.target.closest("button[data-action]");
    if (trigger && root.contains(trigger)) {
      var question = trigger.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        return;
      }
      var reason = trigger.hasAttribute("data-reason-input") ? $(trigger.getAttribute("data-reason-input")) : null;
      act(trigger.getAttribute("data-action"), reason && reason.value.trim() ? {reason: reason.value.trim()} : {},
          trigger);
    }
  });

  if (mode === "console") {
    $("console-vote-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var question = $("console-vote-question");
      var args = {question: question.value.trim(), secret: $("console-vote-secret").checked};
      if (state && state.item) {
        args.item_id = state.item.id;
      }
      act("open_vote", args, $("console-open-vote"));
      question.value = "";
    });
    var presentForm = $("console-present-form");
    if (presentForm) {
      presentForm.addEventListener("submit", function (event) {
        event.preventDefault();
        act("present", {material_id: parseInt($("console-material").value, 10),
                        page: parseInt($("console-page").value, 10) || 1}, $("console-present"));
      });
      ["console-page-prev", "console-page-next"].forEach(function (id) {
        $(id).addEventListener("click", function (event) {
          var presentation = state && state.presentation;
          if (presentation) {
            var step = parseInt(event.currentTarget.getAttribute("data-step"), 10);
            act("present", {material_id: presentation.material_id, page: presentation.page + step},
                event.currentTarget);
          }
        });
      });
      $("console-material").addEventListener("change", function () {
        $("console-page").value = 1;
      });
    }
  } else {
    frame.addEventListener("load", embedReader);
    $("live-follow").addEventListener("change", function (event) {
      setFollow(event.currentTarget.checked);
    });
    $("live-return-follow").addEventListener("click", function () {
      setFollow(true);
    });
  }
})();

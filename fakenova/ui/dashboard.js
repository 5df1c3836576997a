// The fakenova dashboard: live at /_fake/ui (polls the control plane), or a static report (the same
// page with a snapshot embedded, no server needed). Every change goes through a /_fake endpoint.
// Data is only ever put into the page as text (textContent), never as markup.
(function () {
  "use strict";

  var SNAPSHOT = JSON.parse(document.getElementById("snapshot").textContent);
  var LIVE = SNAPSHOT === null;
  var BASE = location.pathname.replace(/\/ui\/?$/, "");  // "/_fake", wherever it is mounted
  var POLL_MS = 1000;
  var JOURNAL_LIMIT = 200;

  var expanded = new Set();   // keys of rows whose details are open
  var rendered = {};          // section -> the JSON it was last drawn from
  var overview = null;

  // --- small helpers ------------------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") el.textContent = value;
      else if (name === "class") el.className = value;
      else if (name.slice(0, 2) === "on") el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? "" : value);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      (Array.isArray(child) ? child : [child]).forEach(function (c) {
        if (c !== null && c !== undefined) el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
      });
    }
    return el;
  }

  function iso(seconds) {
    if (typeof seconds !== "number") return seconds === null || seconds === undefined ? "" : String(seconds);
    return new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, "Z").replace("T", " ");
  }

  function short(id) { return typeof id === "string" && id.length > 13 ? id.slice(0, 8) + "…" : id; }

  function compact(value, max) {
    var text = typeof value === "string" ? value : JSON.stringify(value);
    max = max || 80;
    return text.length > max ? text.slice(0, max) + "…" : text;
  }

  function projectName(id) {
    var projects = (overview && overview.projects) || {};
    return id && projects[id] ? projects[id] : (id || "");
  }

  function statusClass(status) {
    if (/^(ACTIVE|available|in-use|DOWN_OK|active|UP)$/.test(status)) return "s-ok";
    if (/^(ERROR|error|FAILED|failed|killed|DELETED|deleted|error_.*)$/.test(status)) return "s-bad";
    if (/^(SHUTOFF|SHELVED|SHELVED_OFFLOADED|SOFT_DELETED|PAUSED|SUSPENDED|DOWN|deactivated)$/.test(status)) return "s-off";
    if (/^(RESCUE|VERIFY_RESIZE|UNKNOWN)$/.test(status)) return "s-info";
    return "s-busy";
  }

  function badge(status) {
    return h("span", {"class": "badge status " + statusClass(String(status)), text: status});
  }

  // An action's error stays until dismissed (click) or the next action; a polling error until the
  // next poll answers.
  function httpBadge(status) {
    var kind = status >= 500 ? "s-bad" : status >= 400 ? "s-busy" : status >= 300 ? "s-info" : "s-ok";
    return h("span", {"class": "badge http " + kind, text: String(status)});
  }

  // Nova's power_state numbers (nova/compute/power_state.py).
  var POWER = {0: "NOSTATE", 1: "RUNNING", 3: "PAUSED", 4: "SHUTDOWN", 6: "CRASHED", 7: "SUSPENDED"};

  function showError(message, sticky) {
    var box = $("error");
    if (!message && box.dataset.sticky && !sticky) return;
    box.textContent = message || "";
    box.hidden = !message;
    box.dataset.sticky = message && sticky ? "1" : "";
  }

  function call(method, path, body) {
    var options = {method: method, credentials: "same-origin", headers: {}};
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(BASE + path, options).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!response.ok) {
          var message = data && data.error && data.error.message ? data.error.message : response.statusText;
          throw new Error(method + " " + BASE + path + ": " + response.status + " " + message);
        }
        return data;
      });
    });
  }

  // A control action: call, then redraw at once; its error stays on screen until the next success.
  function act(method, path, body) {
    return call(method, path, body).then(function (result) { showError("", true); refresh(); return result; },
                                         function (error) { showError(error.message, true); });
  }

  // Draw a section only when its data changed, so open rows, selections and scroll stay put.
  function draw(name, data, render) {
    var key = JSON.stringify(data);
    if (rendered[name] === key) return;
    rendered[name] = key;
    render(data);
  }

  function replace(container, content) {
    container.textContent = "";
    container.appendChild(content);
  }

  // A table whose rows open a detail row when clicked.
  function table(columns, rows) {
    var body = h("tbody");
    rows.forEach(function (row) {
      var open = expanded.has(row.key);
      var tr = h("tr", Object.assign({"class": "expandable" + (row.className ? " " + row.className : "")}, row.attrs || {}),
                 row.cells.map(function (cell) { return cell instanceof Node && cell.tagName === "TD" ? cell : h("td", {}, cell); }));
      tr.addEventListener("click", function (event) {
        if (event.target.closest("button, select, input, a")) return;
        if (expanded.has(row.key)) expanded.delete(row.key); else expanded.add(row.key);
        rendered = {};
        redraw();
      });
      body.appendChild(tr);
      if (open) body.appendChild(h("tr", {"class": "detail"}, h("td", {colspan: columns.length}, row.detail())));
    });
    return h("table", {}, h("thead", {}, h("tr", {}, columns.map(function (c) { return h("th", {text: c}); }))), body);
  }

  function jsonBlock(title, value) {
    return h("div", {}, h("h4", {text: title}),
             h("pre", {"class": "mono", text: value === undefined || value === null ? "(none)" : JSON.stringify(value, null, 2)}));
  }

  function empty(text) { return h("p", {"class": "empty", text: text}); }

  // --- clock --------------------------------------------------------------------------------------

  function renderClock(clock) {
    $("clock-now").textContent = clock.now.replace(/\.\d+Z$/, "Z").replace("T", " ");
    var frozen = $("clock-frozen");
    frozen.textContent = clock.frozen ? "frozen" : "running";
    frozen.className = "badge " + (clock.frozen ? "s-info" : "s-ok");
    $("clock-speed").textContent = clock.speed;
    $("freeze").textContent = clock.frozen ? "Unfreeze" : "Freeze";
    $("freeze").dataset.frozen = clock.frozen ? "1" : "";
  }

  // --- servers ------------------------------------------------------------------------------------

  function addressesText(addresses) {
    return Object.keys(addresses || {}).map(function (network) {
      return network + ": " + addresses[network].map(function (a) {
        return a.addr + (a.type === "floating" ? " (floating)" : "");
      }).join(", ");
    }).join("; ");
  }

  function pendingText(server, now) {
    var pending = server.transition;
    if (!pending) return "";
    var left = Math.max(0, pending.due_at - now);
    var then = server.forced_pending ? " → " + server.forced_pending.status : "";
    return pending.action + then + " (" + left.toFixed(left < 10 ? 1 : 0) + " s)";
  }

  var chosenStatus = {};  // server id -> the status picked in its select, kept across redraws

  function forceControl(server) {
    var current = chosenStatus[server.id] || server.status;
    var select = h("select", {"class": "force-status", "aria-label": "status", onchange: function () {
      chosenStatus[server.id] = select.value;
    }}, (overview.statuses || []).map(function (s) { return h("option", {value: s, text: s, selected: s === current}); }));
    var button = h("button", {type: "button", "class": "force", text: "Force", onclick: function () {
      delete chosenStatus[server.id];
      act("POST", "/servers/" + encodeURIComponent(server.id) + "/status", {status: select.value});
    }});
    return h("span", {"class": "control"}, select, " ", button);
  }

  function renderServers(data) {
    var servers = data.servers;
    $("servers-count").textContent = data.total > servers.length ? servers.length + " newest of " + data.total : String(data.total);
    var byProject = {};
    servers.forEach(function (s) { (byProject[s.project_id] = byProject[s.project_id] || []).push(s); });
    var projects = Object.keys(byProject).sort(function (a, b) { return projectName(a).localeCompare(projectName(b)); });
    var content = h("div");
    if (!projects.length) content.appendChild(empty("No servers yet."));
    projects.forEach(function (projectId) {
      content.appendChild(h("h3", {text: "project " + projectName(projectId)}));
      var columns = ["Name", "ID", "Status", "Task", "Power", "Host", "Addresses", "Pending", LIVE ? "Force status" : ""];
      content.appendChild(table(columns, byProject[projectId].map(function (s) {
        return {
          key: "server:" + s.id, className: s.deleted ? "deleted" : "",
          attrs: {"data-server-id": s.id, "data-server-name": s.name, "data-status": s.status},
          cells: [s.name, h("td", {"class": "mono", title: s.id, text: short(s.id)}), badge(s.status),
                  s.task_state || "", POWER[s.power_state] || s.power_state, s.host || "", addressesText(s.addresses),
                  pendingText(s, data.time), LIVE ? forceControl(s) : ""],
          detail: function () { return jsonBlock("record", s); },
        };
      })));
    });
    replace($("servers-body"), content);
  }

  // --- timeline -----------------------------------------------------------------------------------

  function renderTimeline(data) {
    $("timeline-count").textContent = data.timeline.length ? String(data.timeline.length) : "";
    if (!data.timeline.length) { replace($("timeline-body"), empty("Nothing pending.")); return; }
    replace($("timeline-body"), table(["Due", "In", "Server", "Action", "Step"], data.timeline.map(function (step, index) {
      return {
        key: "step:" + step.server_id + ":" + step.action + ":" + step.step,
        cells: [iso(step.due_at), Math.max(0, step.due_at - data.time).toFixed(1) + " s",
                step.server_name || short(step.server_id),
                step.action + (step.then ? " → " + step.then.status : ""), step.step + "/" + step.steps],
        detail: function () { return jsonBlock("step", step); },
      };
    })));
  }

  // --- collections (networks, ports, volumes, images, and whatever comes next) -------------------

  var PREFERRED = ["name", "status", "project_id", "tenant_id", "owner", "network_id", "cidr", "ip_version",
    "gateway_ip", "fixed_ips", "mac_address", "device_owner", "device_id", "floating_ip_address",
    "fixed_ip_address", "port_id", "router_id", "external_gateway_info", "router:external", "shared",
    "size", "volume_type", "bootable", "attachments", "volume_id", "disk_format", "container_format",
    "visibility", "min_disk", "vcpus", "ram", "disk", "fingerprint", "type", "policies", "policy",
    "instance_uuid", "migration_type", "action", "host", "binary", "state", "zone", "created_at"];
  var MAX_COLUMNS = 7;

  function columnsOf(records) {
    var present = new Set();
    records.forEach(function (pair) { Object.keys(pair[1] || {}).forEach(function (k) { present.add(k); }); });
    var picked = PREFERRED.filter(function (k) { return present.has(k); }).slice(0, MAX_COLUMNS);
    if (picked.length < 3) {
      Array.from(present).forEach(function (k) {
        if (picked.length < MAX_COLUMNS && k !== "id" && picked.indexOf(k) < 0) picked.push(k);
      });
    }
    return picked;
  }

  function cell(key, value) {
    if (value === null || value === undefined || value === "") return "–";
    if (key === "status") return badge(value);
    if (key === "project_id" || key === "tenant_id" || key === "owner") return projectName(value);
    if (/_at$/.test(key) && typeof value === "number") return iso(value);
    if (key === "fixed_ips" && Array.isArray(value)) return value.map(function (ip) { return ip.ip_address; }).join(", ");
    if (key.slice(-3) === "_id" && typeof value === "string") return h("span", {"class": "mono", title: value, text: short(value)});
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (typeof value === "object") return h("span", {"class": "mono", text: compact(value)});
    return String(value);
  }

  function renderCollections(section, collections) {
    var container = document.querySelector("#" + section + " .body");
    var names = Object.keys(collections || {});
    var content = h("div");
    var any = false;
    names.forEach(function (name) {
      var collection = collections[name];
      if (!collection.total) return;
      any = true;
      var columns = columnsOf(collection.records);
      var more = collection.total > collection.records.length ? " (newest " + collection.records.length + ")" : "";
      content.appendChild(h("h3", {"data-collection": name, text: name + " · " + collection.total + more}));
      content.appendChild(table(["id"].concat(columns), collection.records.map(function (pair) {
        var key = pair[0], record = pair[1] || {};
        var id = record.id !== undefined ? record.id : key;
        return {
          key: name + ":" + key, attrs: {"data-collection": name, "data-id": String(id)},
          cells: [h("td", {"class": "mono", title: String(id), text: short(String(id))})].concat(
            columns.map(function (column) { return cell(column, record[column]); })),
          detail: function () { return jsonBlock(name + " " + id, record); },
        };
      })));
    });
    document.getElementById(section).classList.toggle("has-data", any);
    replace(container, content);
  }

  // --- fault rules --------------------------------------------------------------------------------

  function renderFaults(faults) {
    $("faults-count").textContent = faults.length ? String(faults.length) : "";
    if (!faults.length) { replace($("faults-body"), empty("No fault rules.")); return; }
    replace($("faults-body"), table(["ID", "Match", "Effect", "Times", "After", "Matched", "Fired", ""], faults.map(function (rule) {
      var effect = rule.build === "error" ? "build → ERROR" : "";
      if (rule.response.status) effect += (effect ? ", " : "") + rule.response.status + (rule.response.message ? " " + rule.response.message : "");
      if (rule.response.latency) effect += (effect ? ", " : "") + "+" + rule.response.latency + " s (" + rule.response.latency_clock + ")";
      var remove = LIVE ? h("button", {type: "button", "class": "control danger", text: "Delete", onclick: function () {
        act("DELETE", "/faults/" + encodeURIComponent(rule.id));
      }}) : "";
      return {
        key: "fault:" + rule.id, attrs: {"data-rule-id": rule.id},
        cells: [rule.id, h("span", {"class": "mono", text: compact(rule.match, 100)}), effect,
                rule.times === null ? "∞" : rule.times, rule.build === "error" ? "–" : rule.after,
                h("td", {"class": "matched", text: String(rule.matched)}), h("td", {"class": "fired", text: String(rule.fired)}),
                remove],
        detail: function () { return jsonBlock("rule", rule); },
      };
    })));
  }

  function faultFromForm() {
    var rule = {match: {}, response: {}};
    ["method", "path", "action", "project", "server"].forEach(function (field) {
      var value = $("fault-" + field).value.trim();
      if (value) rule.match[field] = value;
    });
    var status = $("fault-status").value, message = $("fault-message").value.trim(), times = $("fault-times").value;
    if (status) rule.response.status = Number(status);
    if (message) rule.response.message = message;
    if (times) rule.times = Number(times);
    if ($("fault-build").checked) {
      rule.build = "error";
    } else {
      rule.after = $("fault-after").value;
    }
    return rule;
  }

  // --- the journal --------------------------------------------------------------------------------

  function filters() {
    return {method: $("filter-method").value, path: $("filter-path").value.trim(),
            status: $("filter-status").value.trim(), project: $("filter-project").value.trim()};
  }

  // The report has no server to filter for it: the same filters (globs as fnmatch reads them,
  // "^" for a regular expression), applied to the embedded entries.
  function filteredOffline(entries, f) {
    var pathTest = null;
    if (f.path) {
      try {
        pathTest = f.path[0] === "^" ? new RegExp(f.path)
          : new RegExp("^" + f.path.replace(/\/+$/, "").replace(/[.+^${}()|[\]\\]/g, "\\$&")
                                   .replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
        showError("");
      } catch (error) {
        showError("path: " + error.message);
        return [];
      }
    }
    return entries.filter(function (e) {
      return (!f.method || e.method === f.method) && (!f.status || String(e.status) === f.status)
        && (!f.project || e.project_id === f.project || projectName(e.project_id) === f.project)
        && (!pathTest || pathTest.test(e.path.replace(/\/+$/, "") || "/"));
    });
  }

  function queryText(query) {
    var parts = [];
    Object.keys(query || {}).forEach(function (k) { query[k].forEach(function (v) { parts.push(k + "=" + v); }); });
    return parts.length ? "?" + parts.join("&") : "";
  }

  function renderJournal(data) {
    var entries = data.entries.slice().reverse();  // newest first
    $("journal-count").textContent = data.total !== undefined ? data.total + " recorded" : "";
    if (!entries.length) { replace($("journal-body"), empty("No requests match.")); return; }
    var content = h("div");
    content.appendChild(table(["Time", "Method", "Path", "Status", "Project", "User", "Microversion", "Fault rule"], entries.map(function (e, index) {
      return {
        key: "request:" + (e.request_id || index), className: "journal-row",
        attrs: {"data-status": String(e.status), "data-method": e.method, "data-path": e.path},
        cells: [e.time.replace("T", " ").replace(/\.\d+Z$/, "Z"), e.method,
                h("td", {"class": "mono", text: e.path + queryText(e.query)}), httpBadge(e.status),
                projectName(e.project_id), e.user || "", e.microversion || "", e.fault_rule || ""],
        detail: function () {
          return h("div", {"class": "details"}, jsonBlock("request body", e.body),
                   jsonBlock("response body", e.response_body), jsonBlock("request headers", e.headers));
        },
      };
    })));
    if (data.limited) content.appendChild(h("p", {"class": "more", text: "The newest " + entries.length + " shown."}));
    replace($("journal-body"), content);
  }

  // --- refresh ------------------------------------------------------------------------------------

  var journal = {entries: [], total: 0};

  function redraw() {
    if (!overview) return;
    renderClock(overview.clock);
    // The time matters to the servers only while one counts down to its next step.
    var counting = overview.servers.some(function (s) { return s.transition; });
    draw("servers", {servers: overview.servers, total: overview.servers_total, statuses: overview.statuses,
                     time: counting ? overview.time : null}, renderServers);
    draw("timeline", {timeline: overview.timeline, time: overview.time}, renderTimeline);
    ["network", "storage", "compute", "other"].forEach(function (section) {
      draw(section, overview.sections[section], function (data) { renderCollections(section, data); });
    });
    draw("faults", overview.faults, renderFaults);
    draw("journal", journal, renderJournal);
    $("version").textContent = overview.fakenova;
  }

  var polling = null;
  var inFlight = false;

  function refresh() {
    if (!LIVE || inFlight) return;
    inFlight = true;
    var f = filters();
    var params = new URLSearchParams({limit: String(JOURNAL_LIMIT)});
    Object.keys(f).forEach(function (k) { if (f[k]) params.set(k, f[k]); });
    Promise.all([call("GET", "/overview"), call("GET", "/requests?" + params.toString())]).then(function (answers) {
      overview = answers[0];
      journal = {entries: answers[1].requests, total: overview.journal_size, limited: answers[1].requests.length >= JOURNAL_LIMIT};
      $("mode").textContent = "live · every " + POLL_MS / 1000 + " s";
      showError("");
      redraw();
    }, function (error) {
      $("mode").textContent = "live · not answering";
      showError(error.message);
    }).then(function () { inFlight = false; });
  }

  function start() {
    if (!LIVE) {
      document.body.classList.add("report");
      overview = SNAPSHOT.overview;
      $("mode").textContent = "report · taken at " + overview.clock.now + " (fake clock)";
      var redrawOffline = function () {
        var entries = filteredOffline(SNAPSHOT.requests, filters());
        journal = {entries: entries, total: SNAPSHOT.requests_total, limited: SNAPSHOT.requests.length < SNAPSHOT.requests_total};
        redraw();
      };
      $("journal-filters").addEventListener("input", redrawOffline);
      $("journal-filters").addEventListener("reset", function () { setTimeout(redrawOffline, 0); });
      $("journal-filters").addEventListener("submit", function (e) { e.preventDefault(); });
      redrawOffline();
      return;
    }
    $("report-link").setAttribute("href", BASE + "/report");
    $("freeze").addEventListener("click", function () {
      act("POST", "/clock", {freeze: !$("freeze").dataset.frozen});
    });
    $("advance").addEventListener("click", function () {
      act("POST", "/clock", {advance: Number($("advance-seconds").value || 0)});
    });
    $("next-step").addEventListener("click", function () {
      if (!overview || !overview.timeline.length) { showError("Nothing pending on the timeline."); return; }
      var gap = Math.max(0, overview.timeline[0].due_at - overview.time);
      act("POST", "/clock", {advance: gap + 0.001});
    });
    $("set-speed").addEventListener("click", function () {
      act("POST", "/clock", {speed: Number($("speed-value").value)});
    });
    $("reset").addEventListener("click", function () {
      if (confirm("Reset fakenova to its seeded state? Servers, fault rules and the journal go.")) act("POST", "/reset");
    });
    $("fault-form").addEventListener("submit", function (event) {
      event.preventDefault();
      act("POST", "/faults", faultFromForm());
    });
    $("faults-clear").addEventListener("click", function () { act("DELETE", "/faults"); });
    $("journal-clear").addEventListener("click", function () { act("DELETE", "/requests"); });
    $("journal-filters").addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
    $("journal-filters").addEventListener("input", function () { refresh(); });
    $("journal-filters").addEventListener("reset", function () { setTimeout(refresh, 0); });
    refresh();
    polling = setInterval(function () { if (!document.hidden) refresh(); }, POLL_MS);
  }

  $("error").addEventListener("click", function () { showError("", true); });
  start();
})();

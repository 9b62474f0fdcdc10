// Tavlen as a Teams channel tab: the set-up page. Teams shows it in a frame when someone adds
// the tab; the person pastes the code the bot gave the facilitator (`tavle fane`), the bot
// checks it against the channel Teams names (POST, bot/board/tab.py), and "Save" keeps the
// board's address with that code as the tab's content. The Teams JavaScript library is the
// bot's own copy (teams-js-*.min.js beside this file).
(function () {
  "use strict";
  var teams = window.microsoftTeams;
  var form = document.getElementById("tab-form");
  var input = document.getElementById("tab-code");
  var status = document.getElementById("tab-status");
  if (!form || !input || !status) { return; }
  var context = null;   // Teams' context: where the tab is being added
  var settings = null;  // the bot's answer for a code that fits: what "Save" keeps

  function say(key) { status.textContent = status.dataset[key]; }

  // Outside Teams (or a Teams that never answers) the page says what it is for.
  var waiting = setTimeout(function () { say("outside"); }, 5000);

  function where() {
    var channel = (context.channel && context.channel.id) || (context.chat && context.chat.id);
    var tenant = context.user && context.user.tenant && context.user.tenant.id;
    return { channel: channel || "", tenant: tenant || "" };
  }

  function ready(found) {
    clearTimeout(waiting);
    context = found;
    var locale = (context.app && context.app.locale) || "";
    if (/^en/i.test(locale) && document.documentElement.lang !== "en" &&
        !/[?&]lang=/.test(location.search)) {
      location.replace(location.pathname + "?lang=en");
      return;
    }
    teams.pages.config.registerOnSaveHandler(function (saveEvent) {
      if (!settings) { saveEvent.notifyFailure("no code"); return; }
      teams.pages.config.setConfig(settings).then(function () {
        saveEvent.notifySuccess();
      }, function (error) { saveEvent.notifyFailure(String(error)); });
    });
    form.hidden = false;
    say("ready");
    input.focus();
  }

  function check(event) {
    event.preventDefault();
    settings = null;
    teams.pages.config.setValidityState(false);
    var claim = where();
    claim.code = input.value.trim();
    say("checking");
    fetch(form.dataset.check, {
      method: "POST",
      credentials: "omit",
      cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(claim)
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (found) {
      if (!found || !found.contentUrl) { say("refused"); return; }
      settings = found;
      teams.pages.config.setValidityState(true);
      say("ok");
    }).catch(function () { say("refused"); });
  }

  if (!teams || !teams.app) { return; }
  form.addEventListener("submit", check);
  teams.app.initialize().then(function () {
    return teams.app.getContext();
  }).then(ready, function () { clearTimeout(waiting); say("outside"); });
})();

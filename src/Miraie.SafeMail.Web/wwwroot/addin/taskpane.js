/*
 * Miraie SafeMail — task pane: confirm every recipient and attachment, encrypt attachments into one password ZIP,
 * record the confirmation (signed stamp header + fingerprint in sessionData), then send where sendAsync exists.
 * Office.js calls are serialised (Outlook on the web allows only a few at once); texts follow Outlook's language.
 */
(function () {
  "use strict";

  var TEXTS = {
    ja: {
      title: "宛先確認・暗号化", recipients: "宛先", attachments: "添付ファイル", encrypt: "添付ファイルを暗号化（パスワード付き ZIP）",
      confirm: "確認して送信", internal: "社内", external: "社外", newDomain: "新しいドメイン", freeMail: "フリーメール",
      bccHint: "社外の複数の会社が To/CC に入っています。互いのアドレスが見えないよう BCC に移すことをお勧めします。", moveBcc: "社外の宛先を BCC に移す",
      noAttachments: "添付ファイルはありません", encrypting: "暗号化しています…", encrypted: "暗号化しました: ", confirmed: "確認しました。",
      pressSend: "確認しました。送信ボタンを押してください。", passwordIs: "パスワード（宛先には別のメールでお知らせください）:",
      tooLarge: "添付ファイルの合計が 25 MB を超えるため暗号化できません。", failed: "処理できませんでした: ", tickAll: "すべての宛先と添付ファイルにチェックを付けてください。",
      passwordMail: "パスワードのメールを作成", passwordSubject: "パスワードのお知らせ: ", passwordIsAuto: "パスワード:",
      passwordAuto: "このメールの配送後、パスワードは別のメール（パスワード通知メール）で各宛先に自動で送信されます。ご自身でパスワードをお知らせいただく必要はありません。",
      passwordBody: "先ほどお送りしたメールの添付ファイル（{file}）のパスワードをお知らせします。\n\nパスワード: {password}\n\nお手数ですが、よろしくお願いいたします。",
      nothingToEncrypt: "暗号化する添付ファイルはありません（すでに暗号化済みです）。",
      deliveryLink: "この宛先には、添付ファイルは送信時にダウンロードリンクに変わって届きます。暗号化は不要です。",
      deliveryPlain: "この宛先には、添付ファイルをそのまま送れる設定です。",
      deliveryBlock: "この宛先にはファイルを送れない設定です。添付ファイルを外してください（このまま送ると隔離されます）。",
      signIn: "サインインできませんでした。Outlook に会社のアカウントでサインインしているかご確認ください。解決しない場合は管理者にお問い合わせください。",
      reason_unconfirmed: "送信前に、宛先と添付ファイルを確認してください。", reason_changed: "確認後に宛先または添付ファイルが変更されました。もう一度確認してください。"
    },
    en: {
      title: "Check and encrypt", recipients: "Recipients", attachments: "Attachments", encrypt: "Encrypt attachments (password ZIP)",
      confirm: "Confirm and send", internal: "internal", external: "external", newDomain: "new domain (not in this thread)", freeMail: "free mail",
      bccHint: "Several external companies are in To/CC. Move them to BCC so they do not see each other's addresses.", moveBcc: "Move external recipients to BCC",
      noAttachments: "No attachments", encrypting: "Encrypting…", encrypted: "Encrypted: ", confirmed: "Confirmed.",
      pressSend: "Confirmed. Press Send.", passwordIs: "Password (tell the recipients in a separate message):",
      tooLarge: "The attachments exceed 25 MB in total and cannot be encrypted.", failed: "Could not do it: ", tickAll: "Tick every recipient and attachment.",
      passwordMail: "Write the password mail", passwordSubject: "Password: ", passwordIsAuto: "Password:",
      passwordAuto: "After this message is delivered, the password is sent automatically to each recipient in a separate mail. You do not need to send it yourself.",
      passwordBody: "Here is the password for the attachment ({file}) of the message I just sent.\n\nPassword: {password}\n\nBest regards,",
      nothingToEncrypt: "Nothing left to encrypt: the attachments are already encrypted.",
      deliveryLink: "For these recipients the attachments become a download link when the mail is sent. No need to encrypt them.",
      deliveryPlain: "These recipients may receive the attachments as they are.",
      deliveryBlock: "These recipients take no files. Remove the attachments (sent as it is, the mail is quarantined).",
      signIn: "Could not sign you in. Check that Outlook is signed in with your work account; if it still fails, contact your administrator.",
      reason_unconfirmed: "Please confirm the recipients and attachments before sending.", reason_changed: "Recipients or attachments changed after you confirmed them. Please confirm again."
    }
  };
  var MAX_BYTES = 25 * 1024 * 1024;
  var ARCHIVE_HEADER = "X-SafeMail-Archive-Id"; // the gateway sends each listed archive's password after delivery
  var state = { language: "en", policy: null, recipients: [], attachments: [], ticked: {}, original: [], archiveIds: "", made: [], archives: [] };

  function t(key) { return (TEXTS[state.language] || TEXTS.en)[key]; }
  function $(id) { return document.getElementById(id); }
  function item() { return Office.context.mailbox.item; }
  function base() { return location.origin; }

  function call(target, method) {
    var args = Array.prototype.slice.call(arguments, 2);
    return new Promise(function (resolve, reject) {
      args.push(function (result) {
        if (result.status === "succeeded") { resolve(result.value); } else { reject(new Error(result.error && result.error.message || method)); }
      });
      target[method].apply(target, args);
    });
  }

  // The signed endpoints: who sends is proved the way the server asks (sign-in.js: an Entra ID token through Nested App
  // Authentication, or the development header). send() answers any HTTP status; api() only success.
  function send(path, options) {
    options = options || {};
    return SafeMailSignIn.headers().then(null, function (e) {
      if (e instanceof TypeError) { throw e; } // fetch's own failure: the server is unreachable, not the sign-in refused
      throw new Error(t("signIn") + " (" + e.message + ")");
    }).then(function (identity) {
      options.headers = Object.assign(identity, options.headers || {});
      return fetch(base() + path, options);
    });
  }

  function api(path, options) {
    return send(path, options).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (p) { throw new Error(p.title || response.status); }, function () { throw new Error(String(response.status)); });
      }
      return response;
    });
  }

  function status(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }

  function loadRecipients() {
    var fields = ["to", "cc", "bcc"];
    return Promise.all(fields.map(function (f) { return call(item()[f], "getAsync"); })).then(function (lists) {
      state.recipients = [];
      lists.forEach(function (list, i) {
        list.forEach(function (r) { state.recipients.push({ address: r.emailAddress, name: r.displayName, field: fields[i] }); });
      });
    });
  }

  /** Who was in the thread when this reply was opened (send-handler.js's OnNewMessageCompose); none otherwise. */
  function loadThread() {
    var data = item().sessionData;
    if (!data || typeof data.getAsync !== "function") {
      return Promise.resolve();
    }
    return call(data, "getAsync", SafeMailSendHandler.THREAD_KEY).then(function (snapshot) {
      state.original = SafeMailPaneLogic.threadOriginal(snapshot);
    }, function () { state.original = []; }); // no snapshot: a new message, or opened before the add-in was installed
  }

  function loadAttachments() {
    return call(item(), "getAttachmentsAsync").then(function (list) {
      state.attachments = list.filter(function (a) { return !a.isInline; }).map(function (a) { return { id: a.id, name: a.name, size: a.size }; });
    });
  }

  function checkbox(key, label) {
    var wrapper = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = state.ticked[key] === true;
    // Only the Send button changes: re-drawing the list would take the keyboard focus away from the box just ticked.
    box.addEventListener("change", function () { state.ticked[key] = box.checked; updateConfirm(); });
    wrapper.appendChild(box);
    wrapper.appendChild(document.createTextNode(" " + label)); // text, never HTML
    return wrapper;
  }

  function flag(text) {
    var span = document.createElement("span");
    span.className = "flag";
    span.textContent = text;
    return span;
  }

  function render() {
    var groups = SafeMailPaneLogic.groupByDomain(state.recipients, state.policy.internalDomains, state.original);
    var container = $("recipients");
    container.textContent = "";
    groups.forEach(function (g) {
      var div = document.createElement("div");
      div.className = "group " + (g.internal ? "internal" : "external");
      var head = document.createElement("h3");
      head.textContent = g.domain + " (" + (g.internal ? t("internal") : t("external")) + ")";
      if (g.newToThread) { head.appendChild(flag(t("newDomain"))); }
      if (g.freeMail) { head.appendChild(flag(t("freeMail"))); }
      div.appendChild(head);
      g.recipients.forEach(function (r) {
        div.appendChild(checkbox("r:" + r.address, r.field.toUpperCase() + ": " + (r.name ? r.name + " <" + r.address + ">" : r.address)));
      });
      container.appendChild(div);
    });
    $("bcc-hint").hidden = SafeMailPaneLogic.suggestBcc(state.recipients, state.policy.internalDomains).length === 0;

    var list = $("attachments");
    list.textContent = "";
    if (state.attachments.length === 0) {
      list.textContent = t("noAttachments");
    }
    state.attachments.forEach(function (a) { list.appendChild(checkbox("a:" + a.name + "\u0000" + a.size, a.name + " (" + Math.ceil(a.size / 1024) + " KB)")); });
    // The recipients' domains decide how files go (the admin's file delivery setting): the ZIP is offered only where it is wanted.
    var delivery = SafeMailPaneLogic.fileDeliveryFor(state.recipients, state.policy);
    var note = $("file-delivery");
    note.hidden = state.attachments.length === 0 || delivery === "zip";
    note.className = delivery === "block" ? "error" : "";
    note.textContent = delivery === "link" ? t("deliveryLink") : delivery === "plain" ? t("deliveryPlain") : delivery === "block" ? t("deliveryBlock") : "";
    $("encrypt").hidden = delivery !== "zip";
    $("encrypt").disabled = state.attachments.length === 0;
    updateConfirm();
  }

  function updateConfirm() {
    $("confirm").disabled = !SafeMailPaneLogic.allTicked(state.recipients, state.attachments, state.ticked);
  }

  function base64ToBytes(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  function bytesToBase64(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i += 0x8000) { text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000)); }
    return btoa(text);
  }

  function contentOf(attachment) {
    return call(item(), "getAttachmentContentAsync", attachment.id).then(function (content) { return base64ToBytes(content.content); });
  }

  function sha256Hex(bytes) {
    return crypto.subtle.digest("SHA-256", bytes).then(function (hash) {
      return Array.prototype.map.call(new Uint8Array(hash), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    });
  }

  /** True for an archive this pane attached: encrypting again leaves it as it is (its password is already on its way). */
  function isMade(a) {
    return state.made.some(function (m) { return m.id === a.id || m.name === a.name; });
  }

  function encrypt() {
    // The sender may have attached more since the pane opened: work on what the item holds now.
    return loadAttachments().then(function () {
      var originals = state.attachments.filter(function (a) { return !isMade(a); });
      if (originals.length === 0) { status(t("nothingToEncrypt")); return Promise.resolve(); }
      var total = originals.reduce(function (s, a) { return s + a.size; }, 0);
      if (total > MAX_BYTES) { status(t("tooLarge"), true); return Promise.resolve(); }
      return encryptFiles(originals);
    }).then(null, function (e) { status(t("failed") + e.message, true); });
  }

  /** One ZIP of <originals>, attached in their place; archives made earlier stay beside it, each with its own password. */
  function encryptFiles(originals) {
    status(t("encrypting"));
    $("progress").hidden = false;
    $("progress").value = 0;
    var form = new FormData();
    var chain = Promise.resolve();
    originals.forEach(function (a, i) {
      chain = chain.then(function () { return contentOf(a); }).then(function (bytes) {
        form.append("files", new Blob([bytes]), a.name);
        $("progress").value = Math.round(((i + 1) / (originals.length + 2)) * 100);
      });
    });
    form.append("recipients", state.recipients.map(function (r) { return r.address; }).join(","));
    var archive = {};
    return chain.then(function () {
      return api("/api/addin/protect", { method: "POST", body: form });
    }).then(function (response) {
      archive.id = response.headers.get("X-SafeMail-Archive-Id");
      var disposition = response.headers.get("Content-Disposition") || "";
      var star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
      archive.name = star ? decodeURIComponent(star[1]) : "attachments.zip";
      return response.arrayBuffer();
    }).then(function (buffer) {
      archive.bytes = new Uint8Array(buffer);
      var removals = Promise.resolve();
      originals.forEach(function (a) { removals = removals.then(function () { return call(item(), "removeAttachmentAsync", a.id); }); });
      return removals;
    }).then(function () {
      return call(item(), "addFileAttachmentFromBase64Async", bytesToBase64(archive.bytes), archive.name);
    }).then(function (attachmentId) {
      state.made.push({ id: attachmentId, name: archive.name });
      return recordArchiveId(archive.id);
    }).then(function () {
      $("progress").value = 100;
      state.archiveName = archive.name;
      status(t("encrypted") + archive.name);
      return api("/api/addin/passwords/" + encodeURIComponent(archive.id)).then(function (r) { return r.json(); }).then(showPassword);
    }).then(function () { return loadAttachments(); }).then(render).then(null, function (e) {
      status(t("failed") + e.message, true);
    }).then(function () { $("progress").hidden = true; });
  }

  /** Adds the archive's id to the item's X-SafeMail-Archive-Id header, keeping the ids of earlier encryptions. */
  function recordArchiveId(id) {
    if (!id) {
      return Promise.reject(new Error(ARCHIVE_HEADER)); // the gateway could not send this archive's password
    }
    var headers = item().internetHeaders;
    var earlier = typeof headers.getAsync !== "function" ? Promise.resolve(state.archiveIds) :
      call(headers, "getAsync", [ARCHIVE_HEADER]).then(function (found) {
        var name = Object.keys(found || {}).filter(function (k) { return k.toLowerCase() === ARCHIVE_HEADER.toLowerCase(); })[0];
        return SafeMailPaneLogic.appendArchiveId(name ? found[name] : "", state.archiveIds);
      }, function () { return state.archiveIds; });
    return earlier.then(function (ids) {
      var value = {};
      value[ARCHIVE_HEADER] = SafeMailPaneLogic.appendArchiveId(ids, id);
      return call(headers, "setAsync", value).then(function () { state.archiveIds = value[ARCHIVE_HEADER]; });
    });
  }

  /** The password, and either the button for a password mail (mode "pane") or the note that the server sends it. */
  function showPassword(p) {
    var automatic = SafeMailPaneLogic.sendsPasswordAutomatically(state.policy);
    state.archives.push({ name: state.archiveName, password: p.password });
    // Each archive has its own password: with several, each is named.
    $("password").textContent = state.archives.length === 1 ? p.password
      : state.archives.map(function (a) { return a.name + ": " + a.password; }).join("  ");
    $("password-label").textContent = t(automatic ? "passwordIsAuto" : "passwordIs");
    $("password-auto").hidden = !automatic;
    $("password-mail").hidden = automatic;
    $("password-box").hidden = false;
  }

  function confirmAndSend() {
    if (!SafeMailPaneLogic.allTicked(state.recipients, state.attachments, state.ticked)) { status(t("tickAll"), true); return Promise.resolve(); }
    var hashes = Promise.resolve([]);
    state.attachments.forEach(function (a) {
      hashes = hashes.then(function (list) {
        return contentOf(a).then(sha256Hex).then(function (hex) { return list.concat([{ name: a.name, sha256: hex }]); });
      });
    });
    return hashes.then(function (attachments) {
      return api("/api/addin/confirmations", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ recipients: state.recipients.map(function (r) { return r.address; }), attachments: attachments })
      });
    }).then(function (r) { return r.json(); }).then(function (stamp) {
      var headers = {};
      headers[stamp.header] = stamp.value;
      return call(item().internetHeaders, "setAsync", headers);
    }).then(function () {
      var fingerprint = SafeMailSendHandler.fingerprint(state.recipients.map(function (r) { return r.address; }), state.attachments);
      return call(item().sessionData, "setAsync", SafeMailSendHandler.SESSION_KEY, fingerprint);
    }).then(function () {
      if (typeof item().sendAsync === "function") {
        status(t("confirmed"));
        return call(item(), "sendAsync");
      }
      status(t("pressSend"));
      return undefined;
    }).then(null, function (e) { status(t("failed") + e.message, true); });
  }

  /** Opens a new message to the same recipients with the password (the sender sends it separately). */
  function passwordMail() {
    var body = state.archives.map(function (a) { return t("passwordBody").replace("{file}", a.name).replace("{password}", a.password); }).join("\n\n");
    Office.context.mailbox.displayNewMessageForm({
      toRecipients: state.recipients.filter(function (r) { return r.field !== "bcc"; }).map(function (r) { return r.address; }),
      bccRecipients: state.recipients.filter(function (r) { return r.field === "bcc"; }).map(function (r) { return r.address; }),
      subject: t("passwordSubject") + state.archives.map(function (a) { return a.name; }).join(", "),
      htmlBody: body.split("\n").map(function (line) {
        var div = document.createElement("div");
        div.textContent = line; // escaped: names and passwords are text
        return div.innerHTML || "&nbsp;";
      }).join("<br>")
    });
  }

  /** Why Smart Alerts opened the pane, when it did (Mailbox 1.14 contextData). */
  function showSendContext() {
    var current = item();
    if (typeof current.getInitializationContextAsync !== "function") {
      return Promise.resolve();
    }
    return call(current, "getInitializationContextAsync").then(function (text) {
      var context = text ? JSON.parse(text) : null;
      if (context && context.reason && t("reason_" + context.reason)) {
        status(t("reason_" + context.reason));
      }
    }).then(null, function () { /* opened from the ribbon: no context */ });
  }

  function moveToBcc() {
    var move = SafeMailPaneLogic.suggestBcc(state.recipients, state.policy.internalDomains);
    var keep = function (field) {
      return state.recipients.filter(function (r) { return r.field === field && move.indexOf(r.address.toLowerCase()) < 0; })
        .map(function (r) { return { emailAddress: r.address, displayName: r.name }; });
    };
    var moved = state.recipients.filter(function (r) { return move.indexOf(r.address.toLowerCase()) >= 0 || r.field === "bcc"; })
      .map(function (r) { return { emailAddress: r.address, displayName: r.name }; });
    return call(item().to, "setAsync", keep("to")).then(function () { return call(item().cc, "setAsync", keep("cc")); })
      .then(function () { return call(item().bcc, "setAsync", moved); }).then(loadRecipients).then(render);
  }

  /** True in a compose window; reading a message, Outlook gives recipients as arrays, not objects with getAsync. */
  function isCompose() {
    var current = item();
    return !!current && !!current.to && typeof current.to.getAsync === "function";
  }

  function start() {
    var language = String(Office.context.displayLanguage || "").toLowerCase();
    state.language = language.indexOf("ja") === 0 ? "ja" : "en";
    document.documentElement.lang = state.language;
    Array.prototype.forEach.call(document.querySelectorAll("[data-text]"), function (e) { e.textContent = t(e.getAttribute("data-text")); });
    var waiting = SafeMailWaitingPane.start({ send: send, language: state.language }); // 送信保留中 / 承認待ち, composing or reading
    if (!isCompose()) {
      // Opened beside a message being read (Sent Items, just after Send): the held mail and approvals, and 誤送信の報告 of
      // this message (found by its Message-ID among the sender's own mail).
      Array.prototype.forEach.call(document.querySelectorAll(".compose"), function (e) { e.hidden = true; });
      var read = item();
      if (waiting && read && (read.internetMessageId || read.subject)) {
        $("incident-hint").textContent = SafeMailIncidentLogic.texts(state.language).sentItem;
        $("incident").appendChild(waiting.reportButton({ internetMessageId: read.internetMessageId, subject: read.subject }));
        $("incident").hidden = false;
      }
      return Promise.resolve();
    }
    $("encrypt").addEventListener("click", encrypt);
    $("confirm").addEventListener("click", confirmAndSend);
    $("move-bcc").addEventListener("click", moveToBcc);
    $("password-mail").addEventListener("click", passwordMail);
    return fetch(base() + "/api/addin/policy").then(function (r) { return r.json(); }).then(function (policy) {
      state.policy = policy;
      return Promise.all([loadRecipients(), loadAttachments(), loadThread()]);
    }).then(render).then(showSendContext).then(null, function (e) { status(t("failed") + e.message, true); });
  }

  // Office may be ready before the page's body is parsed (this script runs in <head>): start only once both are.
  Office.onReady(function () {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  });
})();

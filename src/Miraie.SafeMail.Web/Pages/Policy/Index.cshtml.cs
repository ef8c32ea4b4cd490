using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Miraie.SafeMail.Core.Confirmation;
using Miraie.SafeMail.Core.Inspection;
using Miraie.SafeMail.Core.Policy;
using Miraie.SafeMail.Core.Settings;
using Miraie.SafeMail.Gateway.Processing;
using Miraie.SafeMail.Gateway.Quarantine;
using Miraie.SafeMail.Storage;
using Miraie.SafeMail.Storage.Messages;
using Miraie.SafeMail.Storage.Policy;
using Miraie.SafeMail.Web.Accounts;
using Miraie.SafeMail.Web.Localization;
using Miraie.SafeMail.Web.Policy;

namespace Miraie.SafeMail.Web.Pages.Policy;

/// <summary>
/// The policy editor: view and edit, a dry run of one message under the policy in force and the edited one side by
/// side, and save — which puts it in force on the running gateway without a restart and records it in the history.
/// </summary>
[Authorize(Policy = ConsolePolicies.Admins)]
public sealed class IndexModel(SafeMailDatabase database, PolicyProvider policy, PolicyVersionWatcher versions, MessageInspector inspector,
    ConfirmationSigner confirmation, QuarantineService quarantine, TimeProvider time) : ConsolePageModel(database)
{
    private const long MaxUpload = 30L * 1024 * 1024;

    /// <summary>The fields.</summary>
    [BindProperty]
    public PolicyForm Form { get; set; } = new();

    /// <summary>Problems that stop a save, each naming its key.</summary>
    public IReadOnlyList<string> Problems { get; private set; } = [];

    /// <summary>The dry run's outcome.</summary>
    public DryRunResult? DryRun { get; private set; }

    /// <summary>Dry run: a quarantined message's id.</summary>
    [BindProperty]
    public string? DryRunId { get; set; }

    /// <summary>Dry run: the envelope sender.</summary>
    [BindProperty]
    public string? DryRunFrom { get; set; }

    /// <summary>Dry run: the envelope recipients.</summary>
    [BindProperty]
    public string? DryRunTo { get; set; }

    /// <summary>Where the policy in force comes from.</summary>
    public string SourceText => policy.Version > 0
        ? Lang.T($"適用中: コンソールで保存したバージョン {policy.Version}", $"In force: version {policy.Version}, saved in the console")
        : Lang.T("適用中: 設定ファイルのポリシー（コンソールで保存すると、以後はコンソールのポリシーが優先されます）",
            "In force: the settings file's policy (once saved here, the console's policy takes precedence)");

    /// <summary>Shows the policy in force (read again from the store: a console running apart from the gateway has no poll of its own).</summary>
    public async Task OnGetAsync()
    {
        await versions.RefreshAsync(HttpContext.RequestAborted);
        Form = PolicyForm.From(policy.Current.Options);
    }

    /// <summary>Checks and saves the edited policy, then puts it in force.</summary>
    public async Task<IActionResult> OnPostSaveAsync()
    {
        await versions.RefreshAsync(HttpContext.RequestAborted);
        PolicyOptions edited;
        try
        {
            edited = PolicyJson.Parse(Form.ToJson());
        }
        catch (SettingsException e)
        {
            Problems = e.Errors;
            return Page();
        }

        var json = PolicyJson.Serialize(edited);
        if (json == PolicyJson.Serialize(policy.Current.Options))
        {
            TempData["Message"] = Lang.T("変更はありません。", "Nothing changed.");
            return RedirectToPage();
        }

        long id;
        await using (var connection = await OpenAsync())
        {
            id = await PolicyVersions.SaveAsync(connection, json, Actor, string.IsNullOrWhiteSpace(Form.Comment) ? null : Form.Comment.Trim(), time.GetUtcNow(),
                HttpContext.RequestAborted);
        }

        await versions.RefreshAsync(HttpContext.RequestAborted);
        TempData["Message"] = Lang.T($"ポリシーを保存しました（バージョン {id}）。次のメールから適用されます。", $"Saved as version {id}; it applies from the next message.");
        return RedirectToPage();
    }

    /// <summary>Judges one message under both policies without saving anything.</summary>
    public async Task<IActionResult> OnPostDryRunAsync(IFormFile? eml)
    {
        await versions.RefreshAsync(HttpContext.RequestAborted);
        PolicyOptions? edited = null;
        try
        {
            edited = PolicyJson.Parse(Form.ToJson());
        }
        catch (SettingsException e)
        {
            Problems = e.Errors;
        }

        byte[]? bytes = null;
        string source;
        Envelope? stored = null;
        if (eml is { Length: > 0 })
        {
            if (eml.Length > MaxUpload)
            {
                return Problem(Lang.T("ファイルが大きすぎます（30 MB まで）。", "The file is too large (30 MB at most)."));
            }

            using var copy = new MemoryStream();
            await eml.CopyToAsync(copy, HttpContext.RequestAborted);
            bytes = copy.ToArray();
            source = eml.FileName;
        }
        else if (!string.IsNullOrWhiteSpace(DryRunId) && QueueId.IsValid(DryRunId.Trim())
                 && await quarantine.ShowAsync(DryRunId.Trim(), HttpContext.RequestAborted) is { } found
                 && found.Message.State is not (MessageState.Deleted or MessageState.Purged or MessageState.Rejected))
        {
            await using var original = await quarantine.OpenOriginalAsync(found.Message, HttpContext.RequestAborted);
            using var copy = new MemoryStream();
            await original.CopyToAsync(copy, HttpContext.RequestAborted);
            bytes = copy.ToArray();
            source = found.Message.Id;
            stored = new Envelope(found.Message.EnvelopeFrom, [.. found.Message.Recipients.Select(r => r.Address)]);
        }
        else
        {
            return Problem(Lang.T(".eml ファイルを選ぶか、隔離中のメールのキューIDを入力してください。", "Choose a .eml file or give the queue id of a stored message."));
        }

        var report = await inspector.InspectAsync(bytes, HttpContext.RequestAborted);
        var recipients = (DryRunTo ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var envelope = new Envelope(
            string.IsNullOrWhiteSpace(DryRunFrom) ? stored?.Sender ?? (report.HeaderFrom.Count > 0 ? report.HeaderFrom[0] : "") : DryRunFrom.Trim(),
            recipients.Length > 0 ? recipients : stored?.Recipients ?? report.HeaderRecipients);
        if (envelope.Recipients.Count == 0)
        {
            return Problem(Lang.T("宛先がありません。宛先を入力してください。", "No recipients: please give some."));
        }

        var stamp = confirmation.Verify(report.ConfirmationStamp, envelope.Sender, envelope.Recipients, report.Attachments.Select(a => a.Sha256).OfType<string>());
        DryRun = new DryRunResult(source, envelope, report, MessageAcceptor.Judge(policy.Current, report, envelope, stamp),
            edited is null ? null : MessageAcceptor.Judge(new PolicyEvaluator(edited), report, envelope, stamp));
        return Page();
    }

    private Microsoft.AspNetCore.Mvc.RazorPages.PageResult Problem(string text)
    {
        Problems = [text];
        return Page();
    }
}

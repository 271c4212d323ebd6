namespace Lantern.Configuration;

/// <summary>An Asterisk voicemail spool tree read as a mailbox source: <c>spools[]</c>.</summary>
public sealed class SpoolOptions
{
    /// <summary>Owner name: the mailboxes are owned by <c>spool:NAME</c>.</summary>
    public string Name { get; set; } = "voicemail";

    /// <summary>The spool root, e.g. <c>/var/spool/asterisk/voicemail</c>: <c>&lt;path&gt;/&lt;context&gt;/&lt;mailbox&gt;/INBOX|Old|Urgent</c>.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Seconds between full rescans, which correct whatever a lost file-system notification missed.</summary>
    public int RescanSeconds { get; set; } = 60;

    /// <summary>Quiet time after the last file event of a mailbox before it is counted.</summary>
    public int DebounceMilliseconds { get; set; } = 200;
}

using Lantern.Mailboxes;

namespace Lantern.Configuration;

/// <summary>A server that pushes MWI by unsolicited NOTIFY or PUBLISH: <c>peers[]</c>.</summary>
public sealed class PeerOptions
{
    public const string DefaultContext = "SIP_Remote";

    /// <summary>Unique name; the mailbox source is <c>peer:NAME</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Addresses, CIDR ranges or host names (resolved at start) the peer sends from.</summary>
    public List<string> Match { get; set; } = [];

    /// <summary>Mailbox its state goes to; a bare mailbox means context <c>SIP_Remote</c>.</summary>
    public string Mailbox { get; set; } = string.Empty;

    /// <summary>Digest user the peer must authenticate with; null means no challenge.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Accept PUBLISH (RFC 3903) as well as unsolicited NOTIFY.</summary>
    public bool AllowPublish { get; set; } = true;

    /// <summary>Parses <see cref="Mailbox"/> with <c>SIP_Remote</c> as the default context.</summary>
    public bool TryGetMailboxId(out MailboxId id, out string error) => TryParseMailbox(Mailbox, out id, out error);

    internal static bool TryParseMailbox(string? text, out MailboxId id, out string error)
    {
        if (!string.IsNullOrEmpty(text) && !text.Contains('@', StringComparison.Ordinal))
        {
            text += "@" + DefaultContext;
        }

        return MailboxId.TryParse(text, out id, out error);
    }
}

namespace Lantern.Mailboxes;

/// <summary>Who owns a mailbox and may write it: <c>api</c>, <c>upstream:NAME</c>, <c>peer:NAME</c>, <c>spool:NAME</c>.</summary>
public readonly record struct MailboxSource(MailboxSourceKind Kind, string Name)
{
    public static MailboxSource Api { get; } = new(MailboxSourceKind.Api, string.Empty);

    public static MailboxSource Upstream(string name) => new(MailboxSourceKind.Upstream, name);

    public static MailboxSource Peer(string name) => new(MailboxSourceKind.Peer, name);

    public static bool TryParse(string? text, out MailboxSource source)
    {
        source = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text == "api")
        {
            source = Api;
            return true;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        var name = text[(colon + 1)..];
        switch (text[..colon])
        {
            case "upstream": source = new(MailboxSourceKind.Upstream, name); return true;
            case "peer": source = new(MailboxSourceKind.Peer, name); return true;
            case "spool": source = new(MailboxSourceKind.Spool, name); return true;
            default: return false;
        }
    }

    public override string ToString() => Kind switch
    {
        MailboxSourceKind.Api => "api",
        MailboxSourceKind.Upstream => "upstream:" + Name,
        MailboxSourceKind.Peer => "peer:" + Name,
        MailboxSourceKind.Spool => "spool:" + Name,
        _ => "unknown",
    };
}

namespace Lantern.Mailboxes;

/// <summary>A mailbox identity, <c>mailbox@context</c>; case-sensitive and compared exactly.</summary>
public readonly record struct MailboxId
{
    /// <summary>Longest mailbox or context part accepted.</summary>
    public const int MaxPartLength = 80;

    /// <summary>Context used when an id is given without one.</summary>
    public const string DefaultContext = "default";

    private MailboxId(string mailbox, string context)
    {
        Mailbox = mailbox;
        Context = context;
    }

    public string Mailbox { get; }

    public string Context { get; }

    /// <summary>Parses <c>mailbox[@context]</c>; on failure <paramref name="error"/> names the problem.</summary>
    public static bool TryParse(string? text, out MailboxId id, out string error)
    {
        id = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "mailbox id is empty";
            return false;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        var mailbox = at < 0 ? text : text[..at];
        var context = at < 0 ? DefaultContext : text[(at + 1)..];
        if (!IsValidPart(mailbox))
        {
            error = $"invalid mailbox id \"{text}\": the mailbox part must be 1-{MaxPartLength} characters from [A-Za-z0-9_.*#+-]";
            return false;
        }

        if (!IsValidPart(context))
        {
            error = $"invalid mailbox id \"{text}\": the context part must be 1-{MaxPartLength} characters from [A-Za-z0-9_.*#+-]";
            return false;
        }

        id = new MailboxId(mailbox, context);
        error = string.Empty;
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>; for configuration and tests, not for wire input.</summary>
    public static MailboxId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    /// <summary>Builds an id from parts already split, validating both.</summary>
    public static bool TryCreate(string mailbox, string context, out MailboxId id)
    {
        id = default;
        if (!IsValidPart(mailbox) || !IsValidPart(context))
        {
            return false;
        }

        id = new MailboxId(mailbox, context);
        return true;
    }

    /// <summary>True when <paramref name="part"/> is a valid mailbox or context part.</summary>
    public static bool IsValidPart(ReadOnlySpan<char> part)
    {
        if (part.IsEmpty || part.Length > MaxPartLength)
        {
            return false;
        }

        foreach (var c in part)
        {
            var ok = c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9')
                or '_' or '.' or '*' or '#' or '+' or '-';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Mailbox is null ? string.Empty : $"{Mailbox}@{Context}";
}

namespace Lantern.Mailboxes;

/// <summary>The counts of every message class a mailbox holds; voice is always present.</summary>
public sealed record MailboxCounts(
    MessageCounts Voice,
    MessageCounts? Fax = null,
    MessageCounts? Pager = null,
    MessageCounts? Multimedia = null,
    MessageCounts? Text = null)
{
    public static MailboxCounts Empty { get; } = new(MessageCounts.Zero);

    /// <summary>A mailbox is waiting when any class has new messages.</summary>
    public bool Waiting =>
        Voice.New > 0 || Fax?.New > 0 || Pager?.New > 0 || Multimedia?.New > 0 || Text?.New > 0;

    public MessageCounts? Get(MessageClass messageClass) => messageClass switch
    {
        MessageClass.Voice => Voice,
        MessageClass.Fax => Fax,
        MessageClass.Pager => Pager,
        MessageClass.Multimedia => Multimedia,
        MessageClass.Text => Text,
        _ => null,
    };

    public MailboxCounts With(MessageClass messageClass, MessageCounts? counts) => messageClass switch
    {
        MessageClass.Voice => this with { Voice = counts ?? MessageCounts.Zero },
        MessageClass.Fax => this with { Fax = counts },
        MessageClass.Pager => this with { Pager = counts },
        MessageClass.Multimedia => this with { Multimedia = counts },
        MessageClass.Text => this with { Text = counts },
        _ => this,
    };

    /// <summary>Null when every class is valid, else the first problem prefixed by the class name.</summary>
    public string? Validate()
    {
        for (var c = MessageClass.Voice; c <= MessageClass.Text; c++)
        {
            var problem = Get(c)?.Validate();
            if (problem is not null)
            {
                return $"{c.ToString().ToLowerInvariant()}: {problem}";
            }
        }

        return null;
    }

    /// <summary>Per-class sum, for endpoints that aggregate several mailboxes.</summary>
    public MailboxCounts Plus(MailboxCounts other) => new(
        Voice.Plus(other.Voice),
        Add(Fax, other.Fax),
        Add(Pager, other.Pager),
        Add(Multimedia, other.Multimedia),
        Add(Text, other.Text));

    private static MessageCounts? Add(MessageCounts? a, MessageCounts? b) =>
        a is null ? b : b is null ? a : a.Value.Plus(b.Value);
}

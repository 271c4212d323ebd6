using Lantern.Mailboxes;

namespace Lantern.Api.V1;

/// <summary>Converts between the wire DTOs and the mailbox domain, validating every count.</summary>
internal static class MailboxMapping
{
    private static readonly string[] ClassNames = ["voice", "fax", "pager", "multimedia", "text"];

    public static string ClassName(MessageClass messageClass) => ClassNames[(int)messageClass];

    public static bool TryParseClass(string? text, out MessageClass messageClass)
    {
        var index = Array.IndexOf(ClassNames, text);
        messageClass = (MessageClass)Math.Max(index, 0);
        return index >= 0;
    }

    public static MailboxDto ToDto(Mailbox mailbox) => new(
        mailbox.Id.ToString(),
        mailbox.Id.Mailbox,
        mailbox.Id.Context,
        ToDto(mailbox.Counts),
        mailbox.Waiting,
        mailbox.Version,
        mailbox.Source.ToString(),
        mailbox.UpdatedAt,
        mailbox.PublicationLapsed);

    public static MailboxCountsDto ToDto(MailboxCounts counts) => new(
        ToDto(counts.Voice),
        counts.Fax is { } fax ? ToDto(fax) : null,
        counts.Pager is { } pager ? ToDto(pager) : null,
        counts.Multimedia is { } multimedia ? ToDto(multimedia) : null,
        counts.Text is { } text ? ToDto(text) : null);

    public static MailboxEventDto ToEvent(MailboxChange change) => new(
        change.Sequence,
        change.Kind == MailboxChangeKind.Deleted ? "deleted" : "updated",
        change.Mailbox.Id.ToString(),
        change.Mailbox.Version,
        ToDto(change.Mailbox.Counts),
        change.Kind != MailboxChangeKind.Deleted && change.Mailbox.Waiting,
        change.Mailbox.Source.ToString(),
        change.Time);

    /// <summary>Full counts from a PUT/batch body: a missing class is not held (voice is then 0), a missing field is 0.</summary>
    public static bool TryToCounts(MailboxCountsDto? dto, out MailboxCounts counts, out string error)
    {
        counts = MailboxCounts.Empty;
        error = string.Empty;
        if (dto is null)
        {
            error = "counts are missing";
            return false;
        }

        var voice = MessageCounts.Zero;
        if (dto.Voice is not null && !TryToCounts("voice", dto.Voice, out voice, out error))
        {
            return false;
        }

        MessageCounts? fax = null, pager = null, multimedia = null, text = null;
        if (!TryOptional("fax", dto.Fax, ref fax, ref error)
            || !TryOptional("pager", dto.Pager, ref pager, ref error)
            || !TryOptional("multimedia", dto.Multimedia, ref multimedia, ref error)
            || !TryOptional("text", dto.Text, ref text, ref error))
        {
            return false;
        }

        counts = new MailboxCounts(voice, fax, pager, multimedia, text);
        var problem = counts.Validate();
        error = problem ?? string.Empty;
        return problem is null;
    }

    public static bool TryToDeltas(MailboxDeltaDto? dto, out Dictionary<MessageClass, MessageCountsDelta> deltas, out string error)
    {
        deltas = [];
        error = string.Empty;
        if (dto is null)
        {
            error = "the body must be a JSON object with at least one class";
            return false;
        }

        Add(MessageClass.Voice, dto.Voice, deltas);
        Add(MessageClass.Fax, dto.Fax, deltas);
        Add(MessageClass.Pager, dto.Pager, deltas);
        Add(MessageClass.Multimedia, dto.Multimedia, deltas);
        Add(MessageClass.Text, dto.Text, deltas);
        if (deltas.Count == 0)
        {
            error = "the body names no class (voice, fax, pager, multimedia, text)";
            return false;
        }

        foreach (var (cls, delta) in deltas)
        {
            if (Math.Abs(delta.NewDelta) > int.MaxValue || Math.Abs(delta.OldDelta) > int.MaxValue
                || Math.Abs(delta.UrgentNewDelta) > int.MaxValue || Math.Abs(delta.UrgentOldDelta) > int.MaxValue)
            {
                error = $"{ClassName(cls)}: a delta is out of range -{int.MaxValue}..{int.MaxValue}";
                return false;
            }
        }

        return true;

        static void Add(MessageClass cls, MessageCountsDeltaDto? d, Dictionary<MessageClass, MessageCountsDelta> into)
        {
            if (d is not null)
            {
                into[cls] = new MessageCountsDelta(d.NewDelta ?? 0, d.OldDelta ?? 0, d.UrgentNewDelta ?? 0, d.UrgentOldDelta ?? 0);
            }
        }
    }

    public static MailboxHistoryDto ToDto(MailboxId id, bool exists, IReadOnlyList<MailboxHistoryEntry> history)
    {
        var items = new List<MailboxHistoryEntryDto>(history.Count);
        foreach (var h in history)
        {
            items.Add(new MailboxHistoryEntryDto(
                h.Time,
                h.Kind.ToString().ToLowerInvariant(),
                h.Source.ToString(),
                h.Actor,
                h.Old is null ? null : ToDto(h.Old),
                h.New is null ? null : ToDto(h.New),
                h.Version));
        }

        return new MailboxHistoryDto(id.ToString(), exists, MailboxHistoryEntry.Limit, items);
    }

    private static MessageCountsDto ToDto(MessageCounts c) => new(c.New, c.Old, c.UrgentNew, c.UrgentOld);

    private static bool TryOptional(string name, MessageCountsDto? dto, ref MessageCounts? into, ref string error)
    {
        if (dto is null)
        {
            return true;
        }

        if (!TryToCounts(name, dto, out var counts, out error))
        {
            return false;
        }

        into = counts;
        return true;
    }

    private static bool TryToCounts(string name, MessageCountsDto dto, out MessageCounts counts, out string error)
    {
        counts = default;
        if (!TryCount(name, "new", dto.New, out var n, out error)
            || !TryCount(name, "old", dto.Old, out var o, out error)
            || !TryCount(name, "urgentNew", dto.UrgentNew, out var un, out error)
            || !TryCount(name, "urgentOld", dto.UrgentOld, out var uo, out error))
        {
            return false;
        }

        counts = new MessageCounts(n, o, un, uo);
        var problem = counts.Validate();
        error = problem is null ? string.Empty : $"{name}: {problem}";
        return problem is null;
    }

    private static bool TryCount(string cls, string field, long? value, out int count, out string error)
    {
        count = 0;
        error = string.Empty;
        if (value is null)
        {
            return true;
        }

        if (value < 0 || value > int.MaxValue)
        {
            error = $"{cls}.{field}: {value} is out of range 0..{int.MaxValue}";
            return false;
        }

        count = (int)value.Value;
        return true;
    }
}

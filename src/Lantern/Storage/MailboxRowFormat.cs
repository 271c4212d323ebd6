using System.Data.Common;
using System.Globalization;
using Lantern.Mailboxes;

namespace Lantern.Storage;

/// <summary>How a mailbox maps to a row, shared by every store.</summary>
/// <remarks>Each message class is one nullable text column <c>"new,old,urgentNew,urgentOld"</c> (NULL when the mailbox
/// does not hold the class): compact, readable with plain SQL, and a new class is one added column.</remarks>
internal static class MailboxRowFormat
{
    public static string? FormatCounts(MessageCounts? counts) => counts is { } c
        ? string.Create(CultureInfo.InvariantCulture, $"{c.New},{c.Old},{c.UrgentNew},{c.UrgentOld}")
        : null;

    public static MessageCounts? ParseCounts(string? text, string id)
    {
        if (text is null)
        {
            return null;
        }

        Span<int> values = stackalloc int[4];
        var rest = text.AsSpan();
        for (var i = 0; i < 4; i++)
        {
            var comma = rest.IndexOf(',');
            var part = i < 3 ? (comma < 0 ? [] : rest[..comma]) : rest;
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out values[i]))
            {
                throw new InvalidDataException($"stored mailbox {id} has malformed counts \"{text}\"");
            }

            rest = i < 3 ? rest[(comma + 1)..] : [];
        }

        var counts = new MessageCounts(values[0], values[1], values[2], values[3]);
        if (counts.Validate() is { } problem)
        {
            throw new InvalidDataException($"stored mailbox {id} has invalid counts \"{text}\": {problem}");
        }

        return counts;
    }

    public static Mailbox ToMailbox(
        string id,
        string voice,
        string? fax,
        string? pager,
        string? multimedia,
        string? text,
        long version,
        string source,
        DateTimeOffset updatedAt,
        bool publicationLapsed)
    {
        if (!MailboxId.TryParse(id, out var mailboxId, out var error))
        {
            throw new InvalidDataException($"stored mailbox has an invalid id: {error}");
        }

        if (!MailboxSource.TryParse(source, out var owner))
        {
            throw new InvalidDataException($"stored mailbox {id} has an invalid source \"{source}\"");
        }

        var counts = new MailboxCounts(
            ParseCounts(voice, id) ?? MessageCounts.Zero,
            ParseCounts(fax, id),
            ParseCounts(pager, id),
            ParseCounts(multimedia, id),
            ParseCounts(text, id));
        return new Mailbox(mailboxId, counts, version, owner, updatedAt, publicationLapsed);
    }

    /// <summary>All classes in one text, <c>"voice|fax|pager|multimedia|text"</c> with empty parts for absent classes (history rows).</summary>
    public static string? FormatAll(MailboxCounts? counts) => counts is null
        ? null
        : string.Join('|', FormatCounts(counts.Voice), FormatCounts(counts.Fax), FormatCounts(counts.Pager), FormatCounts(counts.Multimedia), FormatCounts(counts.Text));

    public static MailboxCounts? ParseAll(string? text, string id)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split('|');
        if (parts.Length != 5)
        {
            throw new InvalidDataException($"stored history of mailbox {id} has malformed counts \"{text}\"");
        }

        string? Part(int i) => parts[i].Length == 0 ? null : parts[i];
        return new MailboxCounts(
            ParseCounts(Part(0), id) ?? MessageCounts.Zero,
            ParseCounts(Part(1), id),
            ParseCounts(Part(2), id),
            ParseCounts(Part(3), id),
            ParseCounts(Part(4), id));
    }

    public static string FormatKind(MailboxHistoryKind kind) => kind switch
    {
        MailboxHistoryKind.Created => "created",
        MailboxHistoryKind.Deleted => "deleted",
        MailboxHistoryKind.Lapsed => "lapsed",
        MailboxHistoryKind.Resumed => "resumed",
        _ => "updated",
    };

    /// <summary>The history entry of a row read by <c>SELECT at, kind, source, actor, old_counts, new_counts, version</c>;
    /// <paramref name="time"/> is column 0 as the store keeps it (timestamptz, or Unix milliseconds in SQLite).</summary>
    public static MailboxHistoryEntry ReadHistoryEntry(MailboxId id, DateTimeOffset time, DbDataReader reader) => ToHistoryEntry(
        id,
        time,
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.GetInt64(6));

    public static MailboxHistoryEntry ToHistoryEntry(MailboxId id, DateTimeOffset time, string kind, string source, string actor, string? oldCounts, string? newCounts, long version)
    {
        var key = id.ToString();
        if (!MailboxSource.TryParse(source, out var owner))
        {
            throw new InvalidDataException($"stored history of mailbox {key} has an invalid source \"{source}\"");
        }

        var parsed = kind switch
        {
            "created" => MailboxHistoryKind.Created,
            "deleted" => MailboxHistoryKind.Deleted,
            "lapsed" => MailboxHistoryKind.Lapsed,
            "resumed" => MailboxHistoryKind.Resumed,
            _ => MailboxHistoryKind.Updated,
        };
        return new MailboxHistoryEntry(id, time, parsed, owner, actor, ParseAll(oldCounts, key), ParseAll(newCounts, key), version);
    }
}

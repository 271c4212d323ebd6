namespace Lantern.Mailboxes;

/// <summary>Counts of one message class; urgent counts are the urgent part of new and old (RFC 3842).</summary>
public readonly record struct MessageCounts(int New, int Old, int UrgentNew, int UrgentOld)
{
    public static MessageCounts Zero => default;

    /// <summary>Null when the counts are valid, else a sentence naming the broken rule.</summary>
    public string? Validate()
    {
        if (New < 0 || Old < 0 || UrgentNew < 0 || UrgentOld < 0)
        {
            return "counts must not be negative";
        }

        if (UrgentNew > New)
        {
            return $"urgentNew ({UrgentNew}) must not exceed new ({New})";
        }

        if (UrgentOld > Old)
        {
            return $"urgentOld ({UrgentOld}) must not exceed old ({Old})";
        }

        return null;
    }

    /// <summary>Sum for aggregation; saturates at <see cref="int.MaxValue"/> because a lamp cannot overflow.</summary>
    public MessageCounts Plus(MessageCounts other) => new(
        Saturate((long)New + other.New),
        Saturate((long)Old + other.Old),
        Saturate((long)UrgentNew + other.UrgentNew),
        Saturate((long)UrgentOld + other.UrgentOld));

    private static int Saturate(long value) => value > int.MaxValue ? int.MaxValue : (int)value;
}

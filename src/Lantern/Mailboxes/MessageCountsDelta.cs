namespace Lantern.Mailboxes;

/// <summary>Signed changes to one class's counts, e.g. new -1 / old +1 when a message is read.</summary>
public readonly record struct MessageCountsDelta(long NewDelta, long OldDelta, long UrgentNewDelta, long UrgentOldDelta)
{
    public bool TryApply(MessageCounts current, out MessageCounts next, out string error)
    {
        next = default;
        var n = current.New + NewDelta;
        var o = current.Old + OldDelta;
        var un = current.UrgentNew + UrgentNewDelta;
        var uo = current.UrgentOld + UrgentOldDelta;
        if (n > int.MaxValue || o > int.MaxValue || un > int.MaxValue || uo > int.MaxValue)
        {
            error = $"result exceeds {int.MaxValue}";
            return false;
        }

        if (n < 0 || o < 0 || un < 0 || uo < 0)
        {
            error = $"result would be negative (new {n}, old {o}, urgentNew {un}, urgentOld {uo})";
            return false;
        }

        next = new MessageCounts((int)n, (int)o, (int)un, (int)uo);
        error = next.Validate() ?? string.Empty;
        return error.Length == 0;
    }
}

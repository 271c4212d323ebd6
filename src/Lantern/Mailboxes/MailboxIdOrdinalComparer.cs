namespace Lantern.Mailboxes;

/// <summary>Orders ids exactly as <c>string.CompareOrdinal</c> orders their text <c>mailbox@context</c>, without building the text.</summary>
internal sealed class MailboxIdOrdinalComparer : IComparer<MailboxId>
{
    public static MailboxIdOrdinalComparer Instance { get; } = new();

    public int Compare(MailboxId x, MailboxId y)
    {
        var xl = Length(x);
        var yl = Length(y);
        var n = Math.Min(xl, yl);
        for (var i = 0; i < n; i++)
        {
            var d = CharAt(x, i) - CharAt(y, i);
            if (d != 0)
            {
                return d;
            }
        }

        return xl - yl;
    }

    /// <summary>Compares an id with text such as a paging cursor.</summary>
    public static int CompareToText(MailboxId id, string text)
    {
        var l = Length(id);
        var n = Math.Min(l, text.Length);
        for (var i = 0; i < n; i++)
        {
            var d = CharAt(id, i) - text[i];
            if (d != 0)
            {
                return d;
            }
        }

        return l - text.Length;
    }

    /// <summary>True when the id's text starts with <paramref name="prefix"/>.</summary>
    public static bool StartsWith(MailboxId id, string prefix)
    {
        if (prefix.Length > Length(id))
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            if (CharAt(id, i) != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    private static int Length(MailboxId id) => id.Mailbox is null ? 0 : id.Mailbox.Length + 1 + id.Context.Length;

    private static char CharAt(MailboxId id, int i)
    {
        var m = id.Mailbox.Length;
        return i < m ? id.Mailbox[i] : i == m ? '@' : id.Context[i - m - 1];
    }
}

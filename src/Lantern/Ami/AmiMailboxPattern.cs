using System.Text.RegularExpressions;
using Lantern.Mailboxes;

namespace Lantern.Ami;

/// <summary>A <c>Mailbox</c> header: one exact id, or <c>/regex/</c> searched in each <c>mailbox@context</c>.</summary>
internal sealed class AmiMailboxPattern
{
    private AmiMailboxPattern(MailboxId id, Regex? regex)
    {
        Id = id;
        Regex = regex;
    }

    public MailboxId Id { get; }

    /// <summary>Null for an exact id.</summary>
    public Regex? Regex { get; }

    public static bool TryParse(string text, TimeSpan matchTimeout, out AmiMailboxPattern? pattern, out string error)
    {
        pattern = null;
        if (text.Length >= 1 && text[0] == '/')
        {
            if (text.Length < 3 || text[^1] != '/')
            {
                error = $"Mailbox regex format invalid in request: \"{text}\" must be /regex/ with a non-empty regex";
                return false;
            }

            try
            {
                var regex = new Regex(text[1..^1], RegexOptions.CultureInvariant, matchTimeout);
                pattern = new AmiMailboxPattern(default, regex);
                error = string.Empty;
                return true;
            }
            catch (ArgumentException ex)
            {
                error = $"Mailbox regex format invalid in request: {ex.Message}";
                return false;
            }
        }

        if (!MailboxId.TryParse(text, out var id, out error))
        {
            error = "Invalid Mailbox: " + error;
            return false;
        }

        pattern = new AmiMailboxPattern(id, null);
        return true;
    }

    /// <summary>Every mailbox the pattern selects, ordered by id; throws <see cref="RegexMatchTimeoutException"/> on a runaway regex.</summary>
    public IReadOnlyList<Mailbox> Select(IMailboxService mailboxes)
    {
        if (Regex is null)
        {
            var one = mailboxes.Find(Id);
            return one is null ? [] : [one];
        }

        var regex = Regex;
        return mailboxes.List(new MailboxQuery(Match: id => regex.IsMatch(id.ToString())));
    }
}

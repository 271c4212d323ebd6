using System.Text.RegularExpressions;
using Lantern.Mailboxes;

namespace Lantern.Ami;

/// <summary>A <c>Mailbox</c> header: one exact id, or <c>/regex/</c> searched in each <c>mailbox@context</c>.</summary>
/// <remarks>Regexes run on the linear-time engine, and one selection over every mailbox is bounded as a whole: a per-id timeout
/// let <c>/^(.*)(.*)(.*)(.*)(.*)(.*)!/</c> cost seconds of CPU per request over 2,000 mailboxes.</remarks>
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

    /// <summary>Longest <c>/regex/</c> accepted.</summary>
    public const int MaxRegexLength = 1000;

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

            if (text.Length - 2 > MaxRegexLength)
            {
                error = $"Mailbox regex format invalid in request: longer than {MaxRegexLength} characters";
                return false;
            }

            try
            {
                var regex = new Regex(text[1..^1], RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, matchTimeout);
                pattern = new AmiMailboxPattern(default, regex);
                error = string.Empty;
                return true;
            }
            catch (ArgumentException ex)
            {
                error = $"Mailbox regex format invalid in request: {ex.Message}";
                return false;
            }
            catch (NotSupportedException)
            {
                error = "Mailbox regex format invalid in request: backreferences, lookarounds and atomic groups cannot be bounded in time; use a pattern without them";
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

    /// <summary>Every mailbox the pattern selects, ordered by id; throws <see cref="RegexMatchTimeoutException"/> once matching
    /// over all ids has taken longer than <paramref name="budget"/>.</summary>
    public IReadOnlyList<Mailbox> Select(IMailboxService mailboxes, TimeProvider time, TimeSpan budget)
    {
        if (Regex is null)
        {
            var one = mailboxes.Find(Id);
            return one is null ? [] : [one];
        }

        var regex = Regex;
        var started = time.GetTimestamp();
        return mailboxes.List(new MailboxQuery(Match: id =>
        {
            if (time.GetElapsedTime(started) > budget)
            {
                throw new RegexMatchTimeoutException(regex.ToString(), string.Empty, budget);
            }

            return regex.IsMatch(id.ToString());
        }));
    }
}

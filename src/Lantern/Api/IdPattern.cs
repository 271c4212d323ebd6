using System.Text.RegularExpressions;
using Lantern.Mailboxes;

namespace Lantern.Api;

/// <summary>A caller-supplied regular expression over mailbox ids, safe against catastrophic patterns.</summary>
internal static class IdPattern
{
    /// <summary>Longest pattern accepted.</summary>
    public const int MaxLength = 1000;

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Compiles <paramref name="pattern"/> (unanchored search, as Asterisk's MWIDelete); a match that times out counts as no match.</summary>
    public static bool TryCreate(string? pattern, out Func<MailboxId, bool> match, out string error)
    {
        match = static _ => false;
        if (string.IsNullOrEmpty(pattern))
        {
            error = "the regular expression is empty";
            return false;
        }

        if (pattern.Length > MaxLength)
        {
            error = $"the regular expression is longer than {MaxLength} characters";
            return false;
        }

        Regex regex;
        try
        {
            // NonBacktracking runs in linear time; the timeout is a second fence.
            regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            error = $"invalid regular expression: {ex.Message}";
            return false;
        }
        catch (NotSupportedException ex)
        {
            error = $"unsupported regular expression (no backreferences or lookarounds): {ex.Message}";
            return false;
        }

        match = id =>
        {
            try
            {
                return regex.IsMatch(id.ToString());
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        };
        error = string.Empty;
        return true;
    }
}

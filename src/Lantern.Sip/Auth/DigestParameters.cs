using System.Text;

namespace Lantern.Sip.Auth;

/// <summary>A parsed credentials/challenge value: the scheme and its comma-separated auth-params (RFC 3261 §25.1, RFC 7616).</summary>
internal sealed class DigestParameters
{
    private const int MaxParameters = 32;
    private const int MaxValueLength = 1024;

    private readonly Dictionary<string, string> _values;

    private DigestParameters(string scheme, Dictionary<string, string> values)
    {
        Scheme = scheme;
        _values = values;
    }

    public string Scheme { get; }

    public string? this[string name] => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>Never throws; <paramref name="error"/> names what is wrong.</summary>
    public static bool TryParse(string? text, int maxLength, out DigestParameters? result, out string? error)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "Empty value";
            return false;
        }

        if (text.Length > maxLength)
        {
            error = "Value too long";
            return false;
        }

        var pos = 0;
        SkipLws(text, ref pos);
        var scheme = ReadToken(text, ref pos);
        if (scheme.Length == 0)
        {
            error = "Missing scheme";
            return false;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        SkipLws(text, ref pos);
        while (pos < text.Length)
        {
            var name = ReadToken(text, ref pos);
            if (name.Length == 0)
            {
                error = "Malformed parameter name";
                return false;
            }

            SkipLws(text, ref pos);
            if (pos >= text.Length || text[pos] != '=')
            {
                error = $"Missing '=' after {name}";
                return false;
            }

            pos++;
            SkipLws(text, ref pos);
            string? value;
            if (pos < text.Length && text[pos] == '"')
            {
                value = ReadQuoted(text, ref pos);
                if (value is null)
                {
                    error = $"Unterminated quoted value of {name}";
                    return false;
                }
            }
            else
            {
                value = ReadToken(text, ref pos);
            }

            if (value.Length > MaxValueLength)
            {
                error = $"Value of {name} too long";
                return false;
            }

            if (!values.TryAdd(name, value))
            {
                error = $"Duplicate parameter {name}";
                return false;
            }

            if (values.Count > MaxParameters)
            {
                error = "Too many parameters";
                return false;
            }

            SkipLws(text, ref pos);
            if (pos >= text.Length)
            {
                break;
            }

            if (text[pos] != ',')
            {
                error = $"Expected ',' after {name}";
                return false;
            }

            pos++;
            SkipLws(text, ref pos);
        }

        result = new DigestParameters(scheme, values);
        error = null;
        return true;
    }

    private static void SkipLws(string text, ref int pos)
    {
        while (pos < text.Length && text[pos] is ' ' or '\t' or '\r' or '\n')
        {
            pos++;
        }
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '!' or '%' or '*' or '_' or '+' or '`' or '\'' or '~' or '/' or ':' or '@' or '?' or '[' or ']';

    private static string ReadToken(string text, ref int pos)
    {
        var start = pos;
        while (pos < text.Length && IsTokenChar(text[pos]))
        {
            pos++;
        }

        return text[start..pos];
    }

    /// <summary>Reads a quoted-string starting at the opening quote, resolving backslash escapes; null when unterminated.</summary>
    private static string? ReadQuoted(string text, ref int pos)
    {
        var sb = new StringBuilder();
        pos++;
        while (pos < text.Length)
        {
            var c = text[pos++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c == '\\')
            {
                if (pos >= text.Length)
                {
                    return null;
                }

                c = text[pos++];
            }

            if (sb.Length > MaxValueLength)
            {
                return sb.ToString();
            }

            sb.Append(c);
        }

        return null;
    }
}

using System.Text;

namespace Lantern.Ami;

/// <summary>Builds one outbound AMI packet; values never carry line breaks onto the wire.</summary>
internal sealed class AmiMessageBuilder
{
    private readonly StringBuilder _text = new(128);

    public AmiMessageBuilder Add(string key, string value)
    {
        _text.Append(key).Append(": ");
        foreach (var c in value)
        {
            _text.Append(c is '\r' or '\n' ? ' ' : c);
        }

        _text.Append("\r\n");
        return this;
    }

    public AmiMessageBuilder Add(string key, long value) =>
        Add(key, value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Echoes the client's ActionID when it sent one.</summary>
    public AmiMessageBuilder AddActionId(string? actionId) =>
        string.IsNullOrEmpty(actionId) ? this : Add("ActionID", actionId);

    public byte[] ToBytes()
    {
        _text.Append("\r\n");
        return Encoding.UTF8.GetBytes(_text.ToString());
    }
}

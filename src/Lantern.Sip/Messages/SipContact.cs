namespace Lantern.Sip.Messages;

/// <summary>One Contact entry: <c>*</c> or an address with parameters such as <c>expires</c> and <c>q</c>.</summary>
public sealed record SipContact(bool IsWildcard, SipNameAddress? Address)
{
    /// <summary>The <c>expires</c> parameter, null when absent or not a number.</summary>
    public long? Expires =>
        Address?.GetParameter("expires") is { } e && long.TryParse(e, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : null;
}

namespace Lantern.Peers;

/// <summary>The response the SIP edge sends: status, a reason naming any problem, and extra headers in order
/// (several <c>WWW-Authenticate</c> values are separate entries).</summary>
internal sealed record PeerResponse(int StatusCode, string Reason, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public static PeerResponse Of(int statusCode, string reason) => new(statusCode, reason, []);

    public static PeerResponse Of(int statusCode, string reason, string header, string value) => new(statusCode, reason, [new(header, value)]);

    /// <summary>The first value of <paramref name="name"/>, or null.</summary>
    public string? Header(string name)
    {
        foreach (var h in Headers)
        {
            if (h.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return h.Value;
            }
        }

        return null;
    }
}

using System.Net;

namespace Lantern.Peers;

/// <summary>An out-of-dialog NOTIFY or a PUBLISH from another server, reduced to what the peers feature needs.
/// <see cref="Body"/> must be a copy owned by this record. Header values are raw (null when absent).</summary>
/// <param name="RequestUri">Used as the digest <c>uri</c> check is done by the authenticator on the credentials value.</param>
internal sealed record PeerRequest(
    PeerMethod Method,
    IPAddress Source,
    string RequestUri,
    string? Event,
    string? ContentType,
    ReadOnlyMemory<byte> Body,
    string? Authorization = null,
    string? Expires = null,
    string? SipIfMatch = null)
{
    public string MethodName => Method == PeerMethod.Publish ? "PUBLISH" : "NOTIFY";
}

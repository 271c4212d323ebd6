using System.Text.Json;
using Lantern.Sip.Transport;

namespace Lantern.Phones;

/// <summary>A contact binding as stored (REGISTER and API bindings; static ones come from the configuration).</summary>
internal sealed record StoredBinding
{
    public string EndpointId { get; init; } = string.Empty;

    public string Uri { get; init; } = string.Empty;

    public BindingOrigin Origin { get; init; }

    public List<string> Path { get; init; } = [];

    public string? CallId { get; init; }

    public long CSeq { get; init; }

    public DateTimeOffset BoundAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public SipTransportKind? Transport { get; init; }

    public string? RemoteAddress { get; init; }

    public int RemotePort { get; init; }

    public string? UserAgent { get; init; }

    public static StoredBinding From(ContactBinding b) => new()
    {
        EndpointId = b.EndpointId,
        Uri = b.Uri,
        Origin = b.Origin,
        Path = [.. b.Path],
        CallId = b.CallId,
        CSeq = b.CSeq,
        BoundAt = b.BoundAt,
        ExpiresAt = b.ExpiresAt,
        Transport = b.Transport,
        RemoteAddress = b.RemoteAddress,
        RemotePort = b.RemotePort,
        UserAgent = b.UserAgent,
    };

    public string ToJson() => JsonSerializer.Serialize(this, PhonesJsonContext.Default.StoredBinding);

    public static StoredBinding? FromJson(string json) =>
        StoredJson.Read(json, PhonesJsonContext.Default.StoredBinding, b => b.EndpointId.Length > 0 && b.Uri.Length > 0);

    /// <summary>The binding, without a connection: connections do not survive a restart.</summary>
    public ContactBinding ToBinding() =>
        new(EndpointId, Uri, Origin, Path, CallId, CSeq, BoundAt, ExpiresAt, Transport, RemoteAddress, RemotePort, 0, UserAgent);
}

namespace Lantern.Upstreams;

/// <summary>An in-dialog NOTIFY as the subscriber needs it; <see cref="Body"/> must be a copy owned by this record.</summary>
/// <param name="FromTag">The notifier's tag (our remote tag).</param>
/// <param name="ToTag">Our local tag.</param>
/// <param name="Contact">The Contact URI, when present (a NOTIFY refreshes the remote target).</param>
internal sealed record UpstreamNotify(
    string CallId,
    string? FromTag,
    string? ToTag,
    long CSeq,
    string? Event,
    string? SubscriptionState,
    string? ContentType,
    ReadOnlyMemory<byte> Body,
    string? Contact = null);

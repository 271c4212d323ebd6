using System.Globalization;

namespace Lantern.Peers;

/// <summary>PUBLISH (RFC 3903 §6): entity tags for initial, refresh, modify and remove; expiry negotiation; lapse on expiry.</summary>
internal sealed partial class PeerAgent
{
    /// <summary>Live publications kept per peer; a new one beyond this replaces the least recently refreshed
    /// (they all feed the same mailbox, so only the newest state matters).</summary>
    public const int MaxPublications = 16;

    private readonly Dictionary<string, Publication> _publications = new(StringComparer.Ordinal);
    private long _generation;

    private async ValueTask<PeerResponse> PublishAsync(PeerRequest request, CancellationToken cancellationToken)
    {
        if (!TryNegotiateExpires(request.Expires, out var expires, out var refusal))
        {
            return refusal;
        }

        if (request.SipIfMatch is null)
        {
            if (request.Body.IsEmpty)
            {
                return PeerResponse.Of(400, "Missing body in initial PUBLISH");
            }

            if (await WriteBodyAsync(request.Body, cancellationToken).ConfigureAwait(false) is { } failed)
            {
                return failed;
            }

            if (expires == 0)
            {
                return await LapseIfLastAsync(cancellationToken).ConfigureAwait(false) ?? Expired();
            }

            return Granted(Add(expires), expires);
        }

        var eTag = request.SipIfMatch.Trim();
        if (!_publications.TryGetValue(eTag, out var publication))
        {
            return PeerResponse.Of(412, "Conditional Request Failed");
        }

        if (expires == 0)
        {
            Remove(publication);
            return await LapseIfLastAsync(cancellationToken).ConfigureAwait(false) ?? Expired();
        }

        if (!request.Body.IsEmpty && await WriteBodyAsync(request.Body, cancellationToken).ConfigureAwait(false) is { } modifyFailed)
        {
            return modifyFailed;
        }

        if (request.Body.IsEmpty && await SetLapsedAsync(false, cancellationToken).ConfigureAwait(false) is { } refreshFailed)
        {
            return refreshFailed;
        }

        // Refresh and modify both get a new entity tag (RFC 3903 §6 step 8).
        Remove(publication);
        return Granted(Add(expires), expires);
    }

    private bool TryNegotiateExpires(string? header, out int expires, out PeerResponse refusal)
    {
        refusal = null!;
        if (header is null)
        {
            expires = _limits.DefaultExpires;
            return true;
        }

        if (!int.TryParse(header.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out expires))
        {
            refusal = PeerResponse.Of(400, "Malformed Expires");
            return false;
        }

        if (expires > 0 && expires < _limits.MinExpires)
        {
            refusal = PeerResponse.Of(423, "Interval Too Brief", "Min-Expires", _limits.MinExpires.ToString(CultureInfo.InvariantCulture));
            return false;
        }

        expires = Math.Min(expires, _limits.MaxExpires);
        return true;
    }

    private string Add(int expires)
    {
        if (_publications.Count >= MaxPublications)
        {
            Publication? oldest = null;
            foreach (var p in _publications.Values)
            {
                if (oldest is null || p.Generation < oldest.Generation)
                {
                    oldest = p;
                }
            }

            Remove(oldest!);
        }

        var eTag = _newETag();
        var generation = ++_generation;
        var timer = _time.CreateTimer(
            static state =>
            {
                var (agent, tag, gen) = ((PeerAgent, string, long))state!;
                agent._work.Writer.TryWrite(new ExpireWork(tag, gen));
            },
            (this, eTag, generation),
            TimeSpan.FromSeconds(expires),
            Timeout.InfiniteTimeSpan);
        _publications[eTag] = new Publication(eTag, _time.GetUtcNow().AddSeconds(expires), timer, generation);
        return eTag;
    }

    private void Remove(Publication publication)
    {
        publication.Timer.Dispose();
        _publications.Remove(publication.ETag);
    }

    private async Task ExpireAsync(string eTag, long generation, CancellationToken cancellationToken)
    {
        if (!_publications.TryGetValue(eTag, out var publication) || publication.Generation != generation)
        {
            return;
        }

        Remove(publication);
        PeersLog.PublicationLapsed(_logger, _peer.Name, eTag, _peer.Mailbox);
        await LapseIfLastAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>With no live publication left, the mailbox keeps its counts and records the lapse.</summary>
    private async ValueTask<PeerResponse?> LapseIfLastAsync(CancellationToken cancellationToken) =>
        _publications.Count == 0 ? await SetLapsedAsync(true, cancellationToken).ConfigureAwait(false) : null;

    private static PeerResponse Granted(string eTag, int expires) => new(
        200,
        "OK",
        [new("SIP-ETag", eTag), new("Expires", expires.ToString(CultureInfo.InvariantCulture))]);

    private static PeerResponse Expired() => PeerResponse.Of(200, "OK", "Expires", "0");

    private sealed record Publication(string ETag, DateTimeOffset ExpiresAt, ITimer Timer, long Generation);
}

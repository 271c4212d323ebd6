using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Lantern.Configuration;
using Lantern.Sip.Auth;
using Lantern.Status;

namespace Lantern.Peers;

/// <summary>The peers feature: out-of-dialog NOTIFY and PUBLISH <c>message-summary</c> from other servers (sip.md §8).
/// Matches the source address to a peer, challenges it when it has credentials, checks the event and content type,
/// and hands the request to that peer's <see cref="PeerAgent"/>.</summary>
internal sealed class PeersModule : IPeerStatusSource, IAsyncDisposable
{
    public const string EventPackage = "message-summary";

    public const string BodyContentType = "application/simple-message-summary";

    private readonly Lantern.Mailboxes.IMailboxService _mailboxes;
    private readonly PeerBodyParser _parseBody;
    private readonly DigestAuthenticator _authenticator;
    private readonly AuthFailureTracker? _failures;
    private readonly PeerPublishLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly PeerMetrics _metrics;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly IReadOnlyList<DigestAlgorithm>? _offered;
    private readonly SemaphoreSlim _applying = new(1, 1);
    private PeerAgent[] _agents = [];

    public PeersModule(
        Lantern.Mailboxes.IMailboxService mailboxes,
        PeerBodyParser parseBody,
        DigestAuthenticator authenticator,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        PeerPublishLimits? limits = null,
        AuthFailureTracker? authFailures = null,
        IMeterFactory? meterFactory = null,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolveHost = null,
        IReadOnlyList<DigestAlgorithm>? offeredAlgorithms = null)
    {
        // Null offers the authenticator's own algorithms (sip.digestAlgorithms through DigestServerOptions).
        _offered = offeredAlgorithms is { Count: > 0 } ? offeredAlgorithms : null;
        _mailboxes = mailboxes;
        _parseBody = parseBody;
        _authenticator = authenticator;
        _failures = authFailures;
        _limits = limits ?? new PeerPublishLimits();
        _time = timeProvider;
        _loggers = loggerFactory;
        _logger = loggerFactory.CreateLogger("Lantern.Peers");
        _metrics = new PeerMetrics(meterFactory);
        _resolve = resolveHost ?? Dns.GetHostAddressesAsync;
    }

    /// <summary>Resolves every peer's match entries and starts its agent.</summary>
    public Task StartAsync(IReadOnlyList<PeerOptions> peers, CancellationToken cancellationToken) => ApplyAsync(peers, cancellationToken);

    /// <summary>Reload: added peers start, removed ones stop, changed ones restart (their publications are forgotten;
    /// the peer's next refresh gets 412 and it publishes anew, as RFC 3903 intends).</summary>
    public async Task ApplyAsync(IReadOnlyList<PeerOptions> peers, CancellationToken cancellationToken)
    {
        var wanted = new List<PeerDefinition>();
        for (var i = 0; i < peers.Count; i++)
        {
            var definition = await CreateAsync(peers[i], i, cancellationToken).ConfigureAwait(false);
            if (definition is not null && !wanted.Exists(w => w.Name == definition.Name))
            {
                wanted.Add(definition);
            }
        }

        await _applying.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _agents;
            var next = new List<PeerAgent>(wanted.Count);
            foreach (var definition in wanted)
            {
                var kept = Array.Find(current, a => a.Peer.SameConfiguration(definition));
                if (kept is not null)
                {
                    next.Add(kept);
                    continue;
                }

                var agent = new PeerAgent(definition, _mailboxes, _parseBody, _limits, _time, _loggers.CreateLogger("Lantern.Peers." + definition.Name));
                agent.Start();
                next.Add(agent);
            }

            Volatile.Write(ref _agents, [.. next]);
            foreach (var old in current)
            {
                if (!next.Contains(old))
                {
                    await old.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _applying.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _applying.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var agents = _agents;
            Volatile.Write(ref _agents, []);
            foreach (var a in agents)
            {
                await a.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <summary>Answers an out-of-dialog NOTIFY or a PUBLISH: 200, 400, 401, 403, 412, 415, 423, 489 or 503.</summary>
    public async ValueTask<PeerResponse> HandleAsync(PeerRequest request, CancellationToken cancellationToken)
    {
        var source = request.Source.IsIPv4MappedToIPv6 ? request.Source.MapToIPv4() : request.Source;
        var agent = Find(source);
        if (agent is null)
        {
            PeersLog.UnknownSource(_logger, request.MethodName, source);
            _metrics.Request("(unknown)", request.MethodName, 403);
            return PeerResponse.Of(403, "Forbidden (unknown source)");
        }

        var refusal = Check(agent.Peer, request, source);
        if (refusal is not null)
        {
            if (refusal.StatusCode != 401)
            {
                agent.RecordRefusal($"{request.MethodName}: {refusal.StatusCode} {refusal.Reason}");
                PeersLog.Refused(_logger, agent.Peer.Name, request.MethodName, refusal.StatusCode, refusal.Reason);
            }

            _metrics.Request(agent.Peer.Name, request.MethodName, refusal.StatusCode);
            return refusal;
        }

        var response = await agent.HandleAsync(request, cancellationToken).ConfigureAwait(false);
        _metrics.Request(agent.Peer.Name, request.MethodName, response.StatusCode);
        return response;
    }

    public IReadOnlyList<PeerStatus> GetPeers()
    {
        var agents = Volatile.Read(ref _agents);
        var result = new List<PeerStatus>(agents.Length);
        foreach (var a in agents)
        {
            result.Add(a.Status);
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var a in Volatile.Read(ref _agents))
        {
            await a.DisposeAsync().ConfigureAwait(false);
        }

        _metrics.Dispose();
        _applying.Dispose();
    }

    /// <summary>The peer whose match entries contain <paramref name="source"/> most specifically (longest prefix), or null.</summary>
    private PeerAgent? Find(IPAddress source)
    {
        PeerAgent? best = null;
        var bestLength = -1;
        foreach (var a in Volatile.Read(ref _agents))
        {
            var length = a.Peer.MatchLength(source);
            if (length > bestLength)
            {
                best = a;
                bestLength = length;
            }
        }

        return best;
    }

    private PeerResponse? Check(PeerDefinition peer, PeerRequest request, IPAddress source)
    {
        if (request.Method == PeerMethod.Publish && !peer.AllowPublish)
        {
            return PeerResponse.Of(403, "Forbidden (PUBLISH not allowed for this peer)");
        }

        if (peer.RequiresAuth && Authenticate(peer, request, source) is { } authRefusal)
        {
            return authRefusal;
        }

        if (!IsMessageSummary(request.Event))
        {
            return PeerResponse.Of(489, "Bad Event", "Allow-Events", EventPackage);
        }

        if (!request.Body.IsEmpty && !IsSummaryContentType(request.ContentType))
        {
            return PeerResponse.Of(415, "Unsupported Media Type", "Accept", BodyContentType);
        }

        return null;
    }

    private PeerResponse? Authenticate(PeerDefinition peer, PeerRequest request, IPAddress source)
    {
        if (_failures?.IsBanned(source) == true)
        {
            return PeerResponse.Of(403, "Forbidden");
        }

        var secret = DigestSecret.FromPassword(peer.Password ?? string.Empty);
        var check = _authenticator.Verify(request.Authorization, request.MethodName, user => user == peer.Username ? secret : null, source, request.RequestUri);
        if (check.Result is DigestResult.Ok or DigestResult.WrongCredentials && _failures?.IsUserLocked(check.Username!, source) == true)
        {
            if (!check.Succeeded)
            {
                _failures.RecordFailure(source, check.Username == peer.Username ? peer.Username : null);
            }

            return PeerResponse.Of(403, "Forbidden");
        }

        switch (check.Result)
        {
            case DigestResult.Ok:
                _failures?.RecordSuccess(source, check.Username);
                return null;
            case DigestResult.Malformed:
                return PeerResponse.Of(400, "Malformed Authorization" + (check.Reason is null ? string.Empty : ": " + check.Reason));
            case DigestResult.WrongCredentials:
                _failures?.RecordFailure(source, check.Username == peer.Username ? peer.Username : null);
                return PeerResponse.Of(403, "Forbidden (bad credentials)");
            default:
                var challenges = _offered is null
                    ? _authenticator.CreateChallenges(check.ChallengeStale, source)
                    : _authenticator.CreateChallenges(_offered, check.ChallengeStale, source);
                var headers = new List<KeyValuePair<string, string>>(challenges.Count);
                foreach (var c in challenges)
                {
                    headers.Add(new("WWW-Authenticate", c));
                }

                return new PeerResponse(401, "Unauthorized", headers);
        }
    }

    private async Task<PeerDefinition?> CreateAsync(PeerOptions options, int index, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Name))
        {
            PeersLog.InvalidConfiguration(_logger, index, "no name");
            return null;
        }

        if (!options.TryGetMailboxId(out var mailbox, out var mailboxError))
        {
            PeersLog.InvalidConfiguration(_logger, index, mailboxError);
            return null;
        }

        var networks = new List<IPNetwork>();
        foreach (var entry in options.Match)
        {
            if (AddressRange.TryParse(entry, out var network))
            {
                networks.Add(network);
                continue;
            }

            try
            {
                foreach (var address in await _resolve(entry.Trim(), cancellationToken).ConfigureAwait(false))
                {
                    var a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
                    networks.Add(new IPNetwork(a, a.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
                }
            }
            catch (Exception ex) when (ex is SocketException or ArgumentException)
            {
                PeersLog.Unresolved(_logger, options.Name, entry, ex.Message);
            }
        }

        var username = string.IsNullOrEmpty(options.Username) ? null : options.Username;
        return new PeerDefinition(options.Name, [.. options.Match], networks, mailbox, username, options.Password, options.AllowPublish);
    }

    private static bool IsMessageSummary(string? eventHeader) => MediaOrToken(eventHeader).Equals(EventPackage, StringComparison.OrdinalIgnoreCase);

    private static bool IsSummaryContentType(string? contentType) => MediaOrToken(contentType).Equals(BodyContentType, StringComparison.OrdinalIgnoreCase);

    private static string MediaOrToken(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        var semi = value.IndexOf(';', StringComparison.Ordinal);
        return (semi < 0 ? value : value[..semi]).Trim();
    }
}

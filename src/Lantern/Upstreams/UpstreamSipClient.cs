using System.Globalization;
using System.Net.Sockets;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Lantern.Sip.Transactions;
using Lantern.Sip.Transport;

namespace Lantern.Upstreams;

/// <summary>Sends the subscriber's SUBSCRIBEs through <see cref="SipStack"/> client transactions: resolves where to send
/// (route set, outbound proxy, remote target, or the upstream by RFC 3263), fails over to the next address on a transport
/// error, and builds the Contact from the local address the transport uses.</summary>
internal sealed class UpstreamSipClient : IUpstreamSipClient
{
    /// <summary>Addresses tried for one request when earlier ones give transport errors.</summary>
    public const int MaxFailover = 3;

    private readonly SipStack _stack;
    private readonly ISipTransportLayer _transport;
    private readonly UpstreamResolver _resolver;

    public UpstreamSipClient(SipStack stack, ISipTransportLayer transport, UpstreamResolver resolver)
    {
        _stack = stack;
        _transport = transport;
        _resolver = resolver;
    }

    public ValueTask<UpstreamSubscribeResponse> SubscribeAsync(UpstreamSubscribeRequest request, CancellationToken cancellationToken) =>
        SendAsync(NextHop(request), request.Upstream, contact => UpstreamSipMessages.BuildSubscribe(request, contact), cancellationToken);

    public ValueTask<UpstreamSubscribeResponse> RegisterAsync(UpstreamRegisterRequest request, CancellationToken cancellationToken) =>
        SendAsync(NextHop(request.Upstream), request.Upstream, contact => UpstreamSipMessages.BuildRegister(request, contact), cancellationToken);

    private async ValueTask<UpstreamSubscribeResponse> SendAsync(
        (string Host, int Port, SipTransportKind Transport, string? Error) hop,
        UpstreamDefinition upstream,
        Func<string, SipMessageBuilder> build,
        CancellationToken cancellationToken)
    {
        var (host, port, transport, error) = hop;
        if (error is not null)
        {
            return UpstreamSubscribeResponse.Local(503, error);
        }

        var resolution = await _resolver.ResolveAsync(host, port, transport, cancellationToken).ConfigureAwait(false);
        if (!resolution.Succeeded)
        {
            return UpstreamSubscribeResponse.Local(503, "DNS: " + resolution.Error);
        }

        var last = UpstreamSubscribeResponse.Local(503, "no destination");
        for (var i = 0; i < resolution.Destinations.Count && i < MaxFailover; i++)
        {
            var destination = resolution.Destinations[i];
            var builder = build(ContactFor(upstream, destination));
            var result = await _stack.SendRequestAsync(builder, destination, cancellationToken).ConfigureAwait(false);
            if (result.Response is { } response)
            {
                using (response)
                {
                    return UpstreamSipMessages.ReadResponse(response);
                }
            }

            last = result.Failure switch
            {
                SipClientFailure.Timeout => UpstreamSubscribeResponse.Local(408, $"No response from {destination.Remote} (Timer F)"),
                _ => UpstreamSubscribeResponse.Local(503, $"{destination.Remote}: {result.Error ?? result.Failure.ToString()}"),
            };

            // Only a transport error moves on (RFC 3263 §4.3); after a timeout the next address would cost another 32 s.
            if (result.Failure != SipClientFailure.TransportError)
            {
                break;
            }
        }

        return last;
    }

    /// <summary>Where the request goes next: the first route, else the outbound proxy, else the remote target (in-dialog),
    /// else the upstream itself.</summary>
    internal static (string Host, int Port, SipTransportKind Transport, string? Error) NextHop(UpstreamSubscribeRequest request)
    {
        var u = request.Upstream;
        if (request.RouteSet.Count > 0)
        {
            return SipNameAddress.TryParse(request.RouteSet[0], out var route) && route is not null
                ? FromUri(route.Uri, u.Transport)
                : (string.Empty, 0, u.Transport, "unusable Route " + request.RouteSet[0]);
        }

        if (request.InDialog && request.RemoteTarget is not null && u.OutboundProxy is null && SipUri.TryParse(request.RemoteTarget, out var target) && target is not null)
        {
            return FromUri(target, u.Transport);
        }

        return NextHop(u);
    }

    /// <summary>Out of dialog: the outbound proxy, else the upstream itself.</summary>
    internal static (string Host, int Port, SipTransportKind Transport, string? Error) NextHop(UpstreamDefinition u)
    {
        if (u.OutboundProxy is { } proxy)
        {
            var bare = proxy.Trim().Trim('<', '>');
            var text = bare.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || bare.StartsWith("sips:", StringComparison.OrdinalIgnoreCase)
                ? bare
                : "sip:" + bare;
            return SipUri.TryParse(text, out var proxyUri) && proxyUri is not null
                ? FromUri(proxyUri, u.Transport)
                : (string.Empty, 0, u.Transport, "unusable outbound proxy " + proxy);
        }

        return (u.Host, u.Port, u.Transport, null);
    }

    private static (string, int, SipTransportKind, string?) FromUri(SipUri uri, SipTransportKind configured)
    {
        var transport = uri.GetParameter("transport")?.ToLowerInvariant() switch
        {
            "udp" => SipTransportKind.Udp,
            "tcp" => SipTransportKind.Tcp,
            "tls" => SipTransportKind.Tls,
            _ => configured,
        };
        return (uri.Host, uri.Port, transport, null);
    }

    private string ContactFor(UpstreamDefinition upstream, SipDestination destination)
    {
        var local = _transport.LocalFor(destination).Local;
        var address = local.Address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + local.Address + "]" : local.Address.ToString();
        var suffix = destination.Transport switch
        {
            SipTransportKind.Tcp => ";transport=tcp",
            SipTransportKind.Tls => ";transport=tls",
            _ => string.Empty,
        };
        return string.Create(CultureInfo.InvariantCulture, $"sip:{upstream.AuthUser}@{address}:{local.Port}{suffix}");
    }
}

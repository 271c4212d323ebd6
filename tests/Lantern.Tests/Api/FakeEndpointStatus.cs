using Lantern.Status;

namespace Lantern.Tests.Api;

/// <summary>In-memory endpoint read model and contact writer with two endpoints, <c>1000</c> (digest) and <c>2000</c> (acl).</summary>
public sealed class FakeEndpointStatus : IEndpointStatusReader, IEndpointContactWriter
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly Lock _gate = new();
    private List<RegistrationStatus> _apiContacts = [];

    public static RegistrationStatus Registered { get; } = new(
        "1000", "sip:1000@192.0.2.7:5060", "register", T0, T0.AddHours(1), [], "udp 192.0.2.7:5060", "Yealink T46U",
        T0.AddMinutes(1), T0.AddMinutes(3), "408 Request Timeout");

    public static SubscriptionStatus Subscription { get; } = new(
        7, "1000", ["1000@default"], false, "active", "call-7@192.0.2.7", "sip:1000@192.0.2.7:5060", "udp 192.0.2.7:5060", false,
        T0, T0.AddHours(1), 12, T0.AddMinutes(2), "200 OK");

    public static SubscriptionStatus TrustedSubscription { get; } = new(
        8, null, ["9999@default"], false, "active", "call-8@198.51.100.1", "sip:mwi@198.51.100.1", "tcp 198.51.100.1:5060", true,
        T0, T0.AddHours(1), 3, null, null);

    /// <summary>The contacts the last successful <see cref="SetContactsAsync"/> was given.</summary>
    public IReadOnlyList<EndpointContactInput>? LastSet { get; private set; }

    public IReadOnlyList<EndpointStatus> ListEndpoints() => [Endpoint1000(), Endpoint2000()];

    public EndpointStatus? FindEndpoint(string id) => id switch
    {
        "1000" => Endpoint1000(),
        "2000" => Endpoint2000(),
        _ => null,
    };

    public IReadOnlyList<SubscriptionStatus> ListSubscriptions() => [Subscription, TrustedSubscription];

    public IReadOnlyList<RegistrationStatus> ListRegistrations()
    {
        lock (_gate)
        {
            return [Registered, .. _apiContacts];
        }
    }

    public ValueTask<EndpointContactsResult> SetContactsAsync(string endpointId, IReadOnlyList<EndpointContactInput> contacts, CancellationToken cancellationToken)
    {
        if (FindEndpoint(endpointId) is null)
        {
            return ValueTask.FromResult(new EndpointContactsResult(EndpointContactsStatus.NotFound, $"endpoint \"{endpointId}\" is not configured", []));
        }

        var list = new List<RegistrationStatus>();
        foreach (var c in contacts)
        {
            if (c.Uri.StartsWith("sip:full", StringComparison.Ordinal))
            {
                return ValueTask.FromResult(new EndpointContactsResult(EndpointContactsStatus.Full, "the registration table is full", []));
            }

            if (!c.Uri.StartsWith("sip:", StringComparison.Ordinal) && !c.Uri.StartsWith("sips:", StringComparison.Ordinal))
            {
                return ValueTask.FromResult(new EndpointContactsResult(EndpointContactsStatus.Invalid, $"contact \"{c.Uri}\" is not a sip: or sips: URI", []));
            }

            list.Add(new RegistrationStatus(endpointId, c.Uri, "api", T0, c.ExpiresSeconds is { } e ? T0.AddSeconds(e) : null, [], null, null, null, null, null));
        }

        lock (_gate)
        {
            _apiContacts = list;
            LastSet = contacts;
            return ValueTask.FromResult(new EndpointContactsResult(EndpointContactsStatus.Ok, string.Empty, [Registered, .. list]));
        }
    }

    private static EndpointStatus Endpoint1000() => new(
        "1000", ["1000@default"], false, "*97", true, true, false, "digest", [], [Registered], [Subscription]);

    private static EndpointStatus Endpoint2000() => new(
        "2000", ["2000@default", "2001@default"], true, null, false, false, true, "acl", ["192.0.2.0/24"], [], []);
}

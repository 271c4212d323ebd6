using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Sip.Auth;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Lantern.Status;
using Lantern.Storage;

namespace Lantern.Phones;

/// <summary>The phones layer wired onto the SIP stack: SUBSCRIBE (notifier) and REGISTER (registrar) handlers, NOTIFYs sent through
/// the stack, the change-feed consumer, storage and restore. The host creates one, calls <see cref="StartAsync(bool, CancellationToken)"/> before the
/// transports start listening and <see cref="StopAsync"/> at shutdown.</summary>
internal sealed class PhonesModule : IAsyncDisposable
{
    private readonly SipStack _stack;
    private readonly IMailboxService _mailboxes;
    private readonly TimeProvider _time;
    private readonly PhonesAuthenticator _auth;

    /// <param name="digest">Shared digest authenticator (realm = <c>sip.domain</c>); null to create one with a random nonce key.</param>
    /// <param name="authFailures">Shared fail2ban tracker; null to create one from <c>sip.authFailures</c>.</param>
    /// <param name="challengeAlgorithms">Digest challenges offered to endpoints that choose none, in order; null for <c>sip.digestAlgorithms</c>.</param>
    public PhonesModule(
        SipStack stack,
        IMailboxService mailboxes,
        LanternOptions options,
        IRecordStore? store,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IMeterFactory? meterFactory = null,
        DigestAuthenticator? digest = null,
        AuthFailureTracker? authFailures = null,
        IReadOnlyList<DigestAlgorithm>? challengeAlgorithms = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _stack = stack;
        _mailboxes = mailboxes;
        _time = time;
        var (settings, directory) = PhonesService.FromOptions(options);
        Service = new PhonesService(new SipMwiNotifySender(stack, settings.Domain), mailboxes, settings, directory, store, time, loggerFactory, meterFactory);
        digest ??= new DigestAuthenticator(new DigestServerOptions { Realm = settings.Domain, SecretKey = RandomNumberGenerator.GetBytes(32), AllowNoQop = options.Sip.AllowDigestWithoutQop }, time);
        authFailures ??= new AuthFailureTracker(options.Sip.AuthFailures.ToTracker(), time, loggerFactory.CreateLogger<AuthFailureTracker>());
        _auth = new PhonesAuthenticator(digest, authFailures, options.Sip.Trusted, challengeAlgorithms ?? PhonesAuthenticator.ParseAlgorithms(options.Sip.EffectiveDigestAlgorithms));
    }

    /// <summary>The SIP-free core (subscriptions, registrar, unsolicited NOTIFY).</summary>
    public PhonesService Service { get; }

    /// <summary>For <c>GET /api/v1/endpoints[/{id}]</c>, <c>/subscriptions</c>, <c>/registrations</c> and the CLI.</summary>
    public IEndpointStatusReader Status => Service.Status;

    /// <summary>For <c>PUT /api/v1/endpoints/{id}/contacts</c>.</summary>
    public IEndpointContactWriter Contacts => Service.Status;

    /// <summary>"Send a NOTIFY now" for the API.</summary>
    public IEndpointNotifier Notifier => Service.Status;

    /// <summary>Restores stored bindings and subscriptions, then takes SUBSCRIBE and REGISTER from the stack. With
    /// <paramref name="deferNotifications"/> the restored subscriptions and start-up unsolicited NOTIFYs wait for
    /// <see cref="BeginNotifying"/> (call it once the transports listen).</summary>
    public async Task StartAsync(bool deferNotifications, CancellationToken cancellationToken)
    {
        await Service.StartAsync(deferNotifications, cancellationToken);
        _stack.SetBacklogProbe(Service.StoreDelay);
        _stack.RegisterHandler(SipMethod.Subscribe, new SubscribeHandler(Service, _auth, _mailboxes));
        _stack.RegisterHandler(SipMethod.Register, new RegisterHandler(Service, _auth, _time));
    }

    /// <summary>Until <see cref="StartAsync(bool, CancellationToken)"/> replaces them: SUBSCRIBE and REGISTER answered <c>503</c> +
    /// <c>Retry-After</c>, for a node listening before its store can be reached.</summary>
    public void RefuseUntilStarted()
    {
        _stack.RegisterHandler(SipMethod.Subscribe, new StoreStartingHandler("Subscription Store Unavailable"));
        _stack.RegisterHandler(SipMethod.Register, new StoreStartingHandler("Registration Store Unavailable"));
    }

    /// <summary>Starts with no deferral (the NOTIFYs go out at once).</summary>
    public Task StartAsync(CancellationToken cancellationToken) => StartAsync(deferNotifications: false, cancellationToken);

    /// <summary>Sends the NOTIFYs held back by a deferred start.</summary>
    public void BeginNotifying() => Service.BeginNotifying();

    /// <summary>Applies a reloaded configuration (endpoints and <c>sip.trusted</c>); expiry ranges apply from the next start.</summary>
    public void ApplyOptions(LanternOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _auth.SetTrusted(options.Sip.Trusted);
        Service.ApplyEndpoints(EndpointDirectory.FromOptions(options.Endpoints));
    }

    /// <summary>Stops notifying; subscriptions and bindings stay stored and resume at the next start.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Service.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => Service.DisposeAsync();
}

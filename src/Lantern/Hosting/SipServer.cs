using Lantern.Configuration;
using Lantern.Sip.Stack;
using Lantern.Sip.Transport;

namespace Lantern.Hosting;

/// <summary>Owns the SIP transports and the stack for the host: binds every configured listener at start, closes them at stop.</summary>
internal sealed class SipServer : IHostedService
{
    private readonly SipTransportManager _transport;
    private readonly SipStack _stack;

    public SipServer(SipTransportManager transport, SipStack stack)
    {
        _transport = transport;
        _stack = stack;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _transport.StartAsync(_stack, cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _transport.StopAsync(cancellationToken).ConfigureAwait(false);
        _stack.Dispose();
    }

    /// <summary>Transport settings from <c>sip</c>: listeners (UDP and TCP on 127.0.0.1:5060 when none), idle time, connection
    /// limits (the total as the descriptor budget allows).</summary>
    public static SipTransportOptions TransportOptions(SipOptions sip, int maxConnections)
    {
        var listeners = new List<SipListenerOptions>();
        if (sip.Listen.Count == 0)
        {
            listeners.Add(new SipListenerOptions { Transport = SipTransportKind.Udp, Address = System.Net.IPAddress.Loopback, Port = 5060 });
            listeners.Add(new SipListenerOptions { Transport = SipTransportKind.Tcp, Address = System.Net.IPAddress.Loopback, Port = 5060 });
        }

        foreach (var l in sip.Listen)
        {
            listeners.Add(new SipListenerOptions
            {
                Transport = l.Transport switch
                {
                    "tcp" => SipTransportKind.Tcp,
                    "tls" => SipTransportKind.Tls,
                    "ws" => SipTransportKind.Ws,
                    "wss" => SipTransportKind.Wss,
                    _ => SipTransportKind.Udp,
                },
                Address = System.Net.IPAddress.Parse(l.Address),
                Port = l.Port,
                CertificatePath = l.Certificate,
                KeyPath = l.Key,
                AllowedOrigins = l.AllowedOrigins,
            });
        }

        return new SipTransportOptions
        {
            Listeners = listeners,
            IdleTimeout = TimeSpan.FromSeconds(sip.IdleConnectionSeconds),
            MessageTimeout = TimeSpan.FromSeconds(sip.MessageTimeoutSeconds),
            MaxConnections = maxConnections,
            MaxConnectionsPerAddress = sip.MaxConnectionsPerAddress,
        };
    }

    /// <summary>Stack settings from <c>sip.timers</c>.</summary>
    public static SipStackOptions StackOptions(SipOptions sip) => new()
    {
        T1 = TimeSpan.FromMilliseconds(sip.Timers.T1Ms),
        T2 = TimeSpan.FromMilliseconds(sip.Timers.T2Ms),
        T4 = TimeSpan.FromMilliseconds(sip.Timers.T4Ms),
        MaxTransactions = sip.MaxTransactions,
        MaxQueuedPerShard = sip.Overload.MaxQueuedPerShard,
        MaxQueueDelay = TimeSpan.FromMilliseconds(sip.Overload.MaxQueueDelayMs),
        MinQueuedToRefuse = sip.Overload.MinQueuedToRefuse,
        MaxBacklogDelay = TimeSpan.FromMilliseconds(sip.Overload.MaxStoreDelayMs),
        AdmissionWindow = sip.Overload.AdmissionWindow,
        AdmissionTarget = TimeSpan.FromMilliseconds(sip.Overload.AdmissionTargetMs),
        RetryAfterSeconds = sip.Overload.RetryAfterSeconds,
        RetryAfterJitterSeconds = sip.Overload.RetryAfterJitterSeconds,
    };
}

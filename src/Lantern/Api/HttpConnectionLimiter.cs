using System.Net;
using Lantern.Configuration;
using Lantern.Sip.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Lantern.Api;

/// <summary>Kestrel connection middleware closing connections beyond <c>http.maxConnections</c> (as the descriptor budget allows)
/// or <c>http.maxConnectionsPerAddress</c>, before any byte is read.</summary>
internal sealed class HttpConnectionLimiter
{
    private readonly AddressLimiter _limits;
    private readonly LogThrottle _log;
    private readonly ApiMetrics _metrics;
    private readonly ILogger<HttpConnectionLimiter> _logger;

    public HttpConnectionLimiter(IOptions<LanternOptions> options, ConnectionBudget budget, TimeProvider time, ApiMetrics metrics, ILogger<HttpConnectionLimiter> logger)
    {
        _limits = new AddressLimiter(budget.Http, options.Value.Http.MaxConnectionsPerAddress);
        _log = new LogThrottle(time, TimeSpan.FromSeconds(10));
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Open connections counted.</summary>
    public int Count => _limits.Count;

    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        if (_limits.TryEnter(address) is { } refused)
        {
            _metrics.ConnectionRefused();
            if (_log.TryLog(out var suppressed))
            {
                ApiLog.ConnectionRefused(_logger, address, refused, suppressed);
            }

            // Returning without running the pipeline closes the connection.
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            _limits.Leave(address);
        }
    };
}

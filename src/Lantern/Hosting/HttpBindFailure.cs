using System.Net.Sockets;
using Lantern.Configuration;
using Lantern.Sip.Transport;

namespace Lantern.Hosting;

/// <summary>Words Kestrel's bind failure like every other listener's: <c>http 127.0.0.1:8088: address already in use</c>.</summary>
internal static class HttpBindFailure
{
    /// <summary>The start-up failure as printed after <c>cannot start: </c>; anything not an HTTP bind failure keeps its message.</summary>
    public static string Describe(Exception exception, IConfiguration configuration)
    {
        // Our own listeners already name themselves; Kestrel throws IOException("Failed to bind to address ...") around
        // an AddressInUseException, or a bare SocketException for other errors (permission denied, no such address).
        if (exception is ListenerBindException)
        {
            return exception.Message;
        }

        var cause = exception is IOException { InnerException: { } inner } && IsSocketFailure(inner) ? inner
            : exception is SocketException ? exception
            : null;
        if (cause is null)
        {
            return exception.Message;
        }

        var http = configuration.GetSection("http");
        var listener = string.IsNullOrEmpty(http["certificate"]) ? "http" : "https";
        return ListenerBindException.Describe(listener, http["listen"] ?? HttpOptions.DefaultListen, cause);
    }

    private static bool IsSocketFailure(Exception exception) =>
        exception is SocketException or Microsoft.AspNetCore.Connections.AddressInUseException;
}

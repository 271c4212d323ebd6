namespace Lantern.Import;

/// <summary>Chooses Lantern's ports next to an Asterisk: near the port Asterisk uses for the same service, never one it uses.</summary>
internal sealed class ImportPortPlan
{
    /// <summary>SIP 5060 becomes 5080 (and TLS 5061 becomes 5081): clear of 5060-5079, where Asterisk peers usually live.</summary>
    public const int SipOffset = 20;

    /// <summary>AMI 5038 becomes 5048: 5039 is Asterisk's AMI over TLS.</summary>
    public const int AmiOffset = 10;

    /// <summary>HTTP 8088 becomes 8090: 8089 is Asterisk's HTTPS.</summary>
    public const int HttpOffset = 2;

    private readonly HashSet<int> _taken;
    private readonly Dictionary<(int, int), int> _chosen = [];

    public ImportPortPlan(IEnumerable<int> asteriskPorts, int ami, int http)
    {
        // Asterisk's TLS variants of AMI and HTTP are taken too, enabled or not: cheaper to avoid than to read wrong.
        _taken = [.. asteriskPorts, ami, ami + 1, http, http + 1];
    }

    /// <summary>The port for the listener Asterisk has on <paramref name="asteriskPort"/>; the same answer for the same
    /// Asterisk port and service, so UDP and TCP on one port stay on one port.</summary>
    public int For(int asteriskPort, int offset)
    {
        if (_chosen.TryGetValue((asteriskPort, offset), out var port))
        {
            return port;
        }

        port = asteriskPort + offset;
        for (var i = 0; i < 65536 && (_taken.Contains(port) || port > 65535 || port < 1024); i++)
        {
            port = port >= 65535 ? 1024 : port + 1;
        }

        _taken.Add(port);
        _chosen[(asteriskPort, offset)] = port;
        return port;
    }
}

namespace Lantern.Import;

/// <summary>Reads the ports of Asterisk's AMI (manager.conf) or HTTP server (http.conf), so Lantern's own avoid them.</summary>
internal static class AsteriskServiceConfMapper
{
    /// <param name="manager">True for manager.conf (<c>port</c>, default 5038), false for http.conf (<c>bindport</c>, default 8088).</param>
    public static void Map(AsteriskConfig config, bool manager, ImportBuilder builder)
    {
        var file = manager ? "manager.conf" : "http.conf";
        var portKey = manager ? "port" : "bindport";
        var port = manager ? 5038 : 8088;
        var origin = $"{file} without {portKey}: Asterisk's default {port}";
        var report = new PendingReport();
        foreach (var section in config.Sections)
        {
            if (!string.Equals(section.Name, "general", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var s in section.Own)
                {
                    report.Ignored(s, manager ? "AMI users are not imported: add ami.users[] by hand" : $"[{section.Name}] is not used by Lantern");
                }

                continue;
            }

            foreach (var s in section.Own)
            {
                var key = s.Key.ToLowerInvariant();
                if (key == portKey)
                {
                    if (ImportBuilder.TryParseInt(s.Value, 1, out var p) && p <= 65535)
                    {
                        port = p;
                        origin = $"{file} {s.Key}={s.Value}";
                        report.Used(s, $"Asterisk's {(manager ? "AMI" : "HTTP")} port: {(manager ? "ami" : "http")}.listen avoids it");
                    }
                    else
                    {
                        report.Ignored(s, "not a port number");
                    }
                }
                else if (key == "tlsbindaddr" && System.Net.IPEndPoint.TryParse(s.Value, out var tls) && tls.Port > 0)
                {
                    builder.AsteriskPorts.Add(tls.Port);
                    report.Used(s, $"Asterisk's {(manager ? "AMI" : "HTTP")} TLS port: Lantern's listeners avoid it");
                }
                else
                {
                    report.Ignored(s, "not used by Lantern (its own listener is chosen to avoid Asterisk's ports)");
                }
            }
        }

        if (manager)
        {
            builder.AsteriskAmi = (port, origin);
        }
        else
        {
            builder.AsteriskHttp = (port, origin);
        }

        report.Commit(builder.Report, string.Empty);
    }
}

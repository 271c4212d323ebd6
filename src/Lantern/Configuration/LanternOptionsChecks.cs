using System.Net;

namespace Lantern.Configuration;

/// <summary>The validation rules, shared by start-up and <c>lantern config check</c>.</summary>
internal static class LanternOptionsChecks
{
    public static void Check(LanternOptions options, List<string> errors)
    {
        var sip = options.Sip;
        if (string.IsNullOrWhiteSpace(sip.Domain))
        {
            errors.Add("sip.domain: must not be empty");
        }

        for (var i = 0; i < sip.Listen.Count; i++)
        {
            var l = sip.Listen[i];
            if (l.Transport is not ("udp" or "tcp" or "tls"))
            {
                errors.Add($"sip.listen[{i}].transport: \"{l.Transport}\" is not udp, tcp or tls");
            }

            if (!IPAddress.TryParse(l.Address, out _))
            {
                errors.Add($"sip.listen[{i}].address: \"{l.Address}\" is not an IP address");
            }

            if (l.Port is < 0 or > 65535)
            {
                errors.Add($"sip.listen[{i}].port: {l.Port} is not 0-65535");
            }

            if (l.Transport == "tls" && (string.IsNullOrEmpty(l.Certificate) || string.IsNullOrEmpty(l.Key)))
            {
                errors.Add($"sip.listen[{i}]: tls needs certificate and key");
            }
        }

        CheckPositive(errors, "sip.timers.t1Ms", sip.Timers.T1Ms);
        CheckPositive(errors, "sip.timers.t2Ms", sip.Timers.T2Ms);
        CheckPositive(errors, "sip.timers.t4Ms", sip.Timers.T4Ms);
        CheckExpiry(errors, "sip.subscriptions", sip.Subscriptions);
        CheckExpiry(errors, "sip.registrations", sip.Registrations);
        if (!string.IsNullOrEmpty(options.Store.Sqlite) && !string.IsNullOrEmpty(options.Store.Postgres))
        {
            errors.Add("store: set either sqlite or postgres, not both");
        }

        if (!IPEndPoint.TryParse(options.Http.Listen, out _))
        {
            errors.Add($"http.listen: \"{options.Http.Listen}\" is not address:port");
        }

        if (!IPEndPoint.TryParse(options.Ami.Listen, out _))
        {
            errors.Add($"ami.listen: \"{options.Ami.Listen}\" is not address:port");
        }
    }

    private static void CheckPositive(List<string> errors, string path, int value)
    {
        if (value <= 0)
        {
            errors.Add($"{path}: {value} must be greater than 0");
        }
    }

    private static void CheckExpiry(List<string> errors, string path, ExpiryOptions e)
    {
        if (e.MinExpires < 1 || e.MinExpires > e.DefaultExpires || e.DefaultExpires > e.MaxExpires)
        {
            errors.Add($"{path}: need 1 <= minExpires ({e.MinExpires}) <= defaultExpires ({e.DefaultExpires}) <= maxExpires ({e.MaxExpires})");
        }
    }
}

using Lantern.Configuration;

namespace Lantern.Import;

/// <summary><c>lantern import asterisk</c>: turns sip.conf and/or pjsip.conf into a lantern.json and a report.</summary>
public static class AsteriskImporter
{
    /// <summary>Reads the given files (any may be null) and returns the configuration, validated as <c>config check</c> would.</summary>
    /// <param name="managerConf">Asterisk's manager.conf, for the AMI port to avoid (default 5038).</param>
    /// <param name="httpConf">Asterisk's http.conf, for the HTTP port to avoid (default 8088).</param>
    public static AsteriskImportResult Import(string? sipConf, string? pjsipConf, string? managerConf = null, string? httpConf = null)
    {
        var builder = new ImportBuilder();
        foreach (var (file, manager) in new[] { (managerConf, true), (httpConf, false) })
        {
            if (file is not null)
            {
                var config = AsteriskConfigParser.Parse(file);
                builder.Report.AddRange(config.Problems);
                AsteriskServiceConfMapper.Map(config, manager, builder);
            }
        }

        if (sipConf is not null)
        {
            var config = AsteriskConfigParser.Parse(sipConf);
            builder.Report.AddRange(config.Problems);
            SipConfMapper.Map(config, builder);
        }

        if (pjsipConf is not null)
        {
            var config = AsteriskConfigParser.Parse(pjsipConf);
            builder.Report.AddRange(config.Problems);
            PjsipConfMapper.Map(config, builder);
        }

        var json = builder.ToJson();
        var errors = new List<string>();
        LanternConfigurationLoader.LoadJson(json.ToJsonString(), errors);
        return new AsteriskImportResult(json, builder.Report, errors);
    }
}

using Lantern.Configuration;

namespace Lantern.Import;

/// <summary><c>lantern import asterisk</c>: turns sip.conf and/or pjsip.conf into a lantern.json and a report.</summary>
public static class AsteriskImporter
{
    /// <summary>Reads the given files (either may be null) and returns the configuration, validated as <c>config check</c> would.</summary>
    public static AsteriskImportResult Import(string? sipConf, string? pjsipConf)
    {
        var builder = new ImportBuilder();
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

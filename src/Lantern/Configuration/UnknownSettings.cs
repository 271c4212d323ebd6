using System.Reflection;

namespace Lantern.Configuration;

/// <summary>Finds keys that bind to nothing (typos such as <c>mailbox</c> for <c>mailboxes</c>), which the binder ignores silently.</summary>
public static class UnknownSettings
{
    /// <summary>Paths of configuration keys no option property takes, in JSON path form.</summary>
    public static List<string> Find(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var result = new List<string>();
        foreach (var child in configuration.GetChildren())
        {
            Walk(child, typeof(LanternOptions), result);
        }

        return result;
    }

    private static void Walk(IConfigurationSection section, Type owner, List<string> result)
    {
        var property = owner.GetProperty(section.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || !property.CanWrite || property.SetMethod?.IsPublic != true)
        {
            result.Add(LanternConfigurationBinder.ToJsonPath(section.Path));
            return;
        }

        WalkValue(section, property.PropertyType, result);
    }

    private static void WalkValue(IConfigurationSection section, Type type, List<string> result)
    {
        // A dictionary (logging.levels) takes any key.
        if (type == typeof(string) || type.IsValueType || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>)))
        {
            return;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var element = type.GetGenericArguments()[0];
            foreach (var item in section.GetChildren())
            {
                // An upstream given as a line has a value and no children: nothing below it to check.
                WalkValue(item, element, result);
            }

            return;
        }

        foreach (var child in section.GetChildren())
        {
            Walk(child, type, result);
        }
    }
}

using System.Reflection;
using System.Reflection.Emit;

namespace Pulse.Hub.Tests.TestKit;

/// <summary>
/// Finds what the types of some namespaces use: their signatures (base types, interfaces, fields, properties,
/// method parameters and return types, locals) and every member their method bodies touch, read from the IL
/// (calls, field accesses, <c>newobj</c>, <c>ldtoken</c>, type operands). Compiler-generated types nested in
/// them (lambdas' closures, iterators, async state machines) are included, since reflection gives them the
/// namespace of the type they are nested in.
/// </summary>
internal static class DependencyScanner
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(opCode => opCode.Value);

    /// <summary>Every use, by the types in <paramref name="namespaces"/> (and their sub-namespaces), of what <paramref name="isForbidden"/> flags.</summary>
    public static List<string> FindUses(Assembly assembly, IReadOnlyList<string> namespaces, Func<Type, string?, bool> isForbidden)
    {
        var found = new List<string>();
        foreach (var type in assembly.GetTypes().Where(type => InNamespaces(type, namespaces)))
        {
            void Check(Type? used, string? member, string where)
            {
                foreach (var part in Unwrap(used))
                {
                    if (isForbidden(part, part == used ? member : null))
                    {
                        found.Add($"{type.FullName}.{where} uses {part.FullName}{(member is null || part != used ? "" : "." + member)}");
                    }
                }
            }

            Check(type.BaseType, null, "(base type)");
            foreach (var @interface in type.GetInterfaces())
            {
                Check(@interface, null, "(interface)");
            }

            foreach (var field in type.GetFields(Everything))
            {
                Check(field.FieldType, null, field.Name);
            }

            foreach (var property in type.GetProperties(Everything))
            {
                Check(property.PropertyType, null, property.Name);
            }

            foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
            {
                if (method is MethodInfo info)
                {
                    Check(info.ReturnType, null, method.Name);
                }

                foreach (var parameter in method.GetParameters())
                {
                    Check(parameter.ParameterType, null, method.Name);
                }

                var body = method.GetMethodBody();
                if (body is null)
                {
                    continue;
                }

                foreach (var local in body.LocalVariables)
                {
                    Check(local.LocalType, null, method.Name);
                }

                foreach (var used in MembersUsedBy(method, body.GetILAsByteArray() ?? []))
                {
                    switch (used)
                    {
                        case Type usedType:
                            Check(usedType, null, method.Name);
                            break;
                        case MethodBase usedMethod:
                            Check(usedMethod.DeclaringType, usedMethod.Name, method.Name);
                            if (usedMethod is MethodInfo { IsGenericMethod: true } generic)
                            {
                                foreach (var argument in generic.GetGenericArguments())
                                {
                                    Check(argument, null, method.Name);
                                }
                            }

                            break;
                        case FieldInfo usedField:
                            Check(usedField.DeclaringType, usedField.Name, method.Name);
                            Check(usedField.FieldType, null, method.Name);
                            break;
                    }
                }
            }
        }

        return found;
    }

    private static bool InNamespaces(Type type, IReadOnlyList<string> namespaces) =>
        type.Namespace is { } name && namespaces.Any(prefix => name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal));

    /// <summary>The type and everything it is built from: generic arguments, array elements, by-ref targets.</summary>
    private static IEnumerable<Type> Unwrap(Type? type)
    {
        if (type is null)
        {
            yield break;
        }

        yield return type;
        if (type.HasElementType)
        {
            foreach (var inner in Unwrap(type.GetElementType()))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(Unwrap))
            {
                yield return inner;
            }
        }
    }

    private static IEnumerable<MemberInfo> MembersUsedBy(MethodBase method, byte[] il)
    {
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            var value = il[position] == 0xFE ? unchecked((short)(0xFE00 | il[position + 1])) : il[position];
            position += il[position] == 0xFE ? 2 : 1;
            var opCode = s_opCodes[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    position += 8;
                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineType:
                case OperandType.InlineTok:
                    yield return method.Module.ResolveMember(BitConverter.ToInt32(il, position), typeArguments, methodArguments)!;
                    position += 4;
                    break;
                default:
                    position += 4;
                    break;
            }
        }
    }
}

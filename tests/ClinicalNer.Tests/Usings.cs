global using ClinicalNer.Data;
global using Xunit;

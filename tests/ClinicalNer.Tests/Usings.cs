global using ClinicalNer.Data;
global using ClinicalNer.Data.Readers;
global using ClinicalNer.Text;
global using Xunit;
global using ClinicalNer.Models.Parts;
global using ClinicalNer.Models;
global using Reporting;

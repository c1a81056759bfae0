//! English and Spanish messages. Every family-facing string lives here in both languages; a
//! test fails when a key lacks either.

use serde::Serialize;

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Lang {
    /// English.
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// The BCP 47 code used in `lang` attributes and the `lang` cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// Parses a code; anything else is `None`.
    pub fn parse(value: &str) -> Option<Lang> {
        match value.trim().get(..2)?.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    /// The first supported language in an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .find_map(|part| Lang::parse(part.split(';').next()?))
    }

    /// The message for `key` in this language; an unknown key shows itself so it is noticed.
    pub fn t(self, key: &str) -> &'static str {
        match MESSAGES.iter().find(|(k, _, _)| *k == key) {
            Some((_, en, es)) => match self {
                Lang::En => en,
                Lang::Es => es,
            },
            None => {
                debug_assert!(false, "missing message {key}");
                "?"
            }
        }
    }
}

/// (key, English, Spanish).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("app.name", "System of Great Schools", "Sistema de Grandes Escuelas"),
    ("nav.skip", "Skip to main content", "Saltar al contenido principal"),
    ("nav.main", "Main navigation", "Navegación principal"),
    ("nav.overview", "Overview", "Resumen"),
    ("nav.campuses", "Schools", "Escuelas"),
    ("nav.lever1", "Goals & planning", "Metas y planificación"),
    ("nav.lever2", "Great options", "Grandes opciones"),
    ("nav.lever3", "Find a school", "Buscar una escuela"),
    ("nav.lever4", "Office of Innovation", "Oficina de Innovación"),
    ("nav.assessment", "Self-assessment", "Autoevaluación"),
    ("nav.data", "Data", "Datos"),
    ("nav.audit", "Audit log", "Registro de auditoría"),
    ("nav.compare", "Compare districts", "Comparar distritos"),
    ("nav.login", "Sign in", "Iniciar sesión"),
    ("nav.logout", "Sign out", "Cerrar sesión"),
    ("nav.language", "Language", "Idioma"),
    ("nav.districts", "Districts", "Distritos"),
    ("lang.other", "Español", "English"),
    ("login.title", "Sign in", "Iniciar sesión"),
    ("login.email", "Email", "Correo electrónico"),
    ("login.password", "Password", "Contraseña"),
    ("login.submit", "Sign in", "Entrar"),
    ("login.failed", "Email or password is not correct.", "El correo o la contraseña no son correctos."),
    ("login.limited", "Too many attempts. Try again in 15 minutes.", "Demasiados intentos. Inténtelo de nuevo en 15 minutos."),
    ("overview.title", "District overview", "Resumen del distrito"),
    ("overview.students", "Students enrolled", "Estudiantes inscritos"),
    ("overview.campuses", "Schools", "Escuelas"),
    ("overview.quality_share", "Students in A- or B-rated schools", "Estudiantes en escuelas con calificación A o B"),
    ("overview.latest_year", "School year", "Año escolar"),
    ("overview.bands", "Students by grade band", "Estudiantes por grupo de grados"),
    ("overview.band", "Grade band", "Grupo de grados"),
    ("overview.map", "Schools by neighborhood and rating", "Escuelas por vecindario y calificación"),
    ("overview.boundary", "District boundary", "Límite del distrito"),
    ("overview.trend", "Enrollment by school year", "Inscripción por año escolar"),
    ("overview.ratings", "Schools by rating", "Escuelas por calificación"),
    ("campuses.title", "Schools", "Escuelas"),
    ("campuses.filter", "Filter schools", "Filtrar escuelas"),
    ("campuses.search", "Name contains", "El nombre contiene"),
    ("campuses.type", "Level", "Nivel"),
    ("campuses.governance", "Run by", "Administrada por"),
    ("campuses.rating", "Rating", "Calificación"),
    ("campuses.area", "Neighborhood", "Vecindario"),
    ("campuses.sort", "Sort by", "Ordenar por"),
    ("campuses.apply", "Show schools", "Mostrar escuelas"),
    ("campuses.any", "Any", "Cualquiera"),
    ("campuses.name", "School", "Escuela"),
    ("campuses.grades", "Grades", "Grados"),
    ("campuses.enrollment", "Students", "Estudiantes"),
    ("campuses.count", "schools shown", "escuelas mostradas"),
    ("campuses.none", "No school matches these filters.", "Ninguna escuela coincide con estos filtros."),
    ("type.elementary", "Elementary", "Primaria"),
    ("type.middle", "Middle", "Secundaria"),
    ("type.high", "High school", "Preparatoria"),
    ("type.combined", "Combined", "Combinada"),
    ("gov.district_run", "District", "Distrito"),
    ("gov.partner_managed", "Partner (performance contract)", "Socio (contrato de desempeño)"),
    ("gov.in_district_charter", "In-district charter", "Chárter del distrito"),
    ("gov.open_enrollment_charter", "Open-enrollment charter", "Chárter de inscripción abierta"),
    ("rating.not_rated", "Not Rated", "Sin calificación"),
    ("rating.none", "No rating", "Sin dato"),
    ("campus.facts", "About this school", "Sobre esta escuela"),
    ("campus.address", "Address", "Dirección"),
    ("campus.programs", "Programs", "Programas"),
    ("campus.status", "Status", "Estado"),
    ("campus.open", "Open", "Abierta"),
    ("campus.closed", "Closed", "Cerrada"),
    ("campus.predecessor", "Continues the history of", "Continúa la historia de"),
    ("campus.capacity", "Capacity", "Capacidad"),
    ("campus.enrollment_trend", "Enrollment trend", "Tendencia de inscripción"),
    ("campus.rating_history", "Rating history", "Historial de calificaciones"),
    ("campus.year", "School year", "Año escolar"),
    ("campus.score", "Overall score", "Puntaje general"),
    ("campus.download_csv", "Download as CSV", "Descargar como CSV"),
    ("campus.group", "Group", "Grupo"),
    ("campus.total", "Total", "Total"),
    ("data.grade_bands", "Grade bands, e.g. K-5, 6-8, 9-12", "Grupos de grados, p. ej. K-5, 6-8, 9-12"),
    ("data.detect", "Detect from the header", "Detectar por el encabezado"),
    ("lever4.body", "Initiatives, PDSA cycles and run charts for the Office of Innovation are not built yet. This page will hold them; until then it shows no invented numbers.", "Las iniciativas, los ciclos PDSA y los gráficos de ejecución de la Oficina de Innovación aún no están construidos. Esta página los mostrará; mientras tanto no muestra números inventados."),
    ("assessment.body", "The self-assessment rubric across the four levers is not built yet. District leaders will rate each lever here and turn the gaps into work.", "La rúbrica de autoevaluación de las cuatro palancas aún no está construida. Los líderes del distrito calificarán cada palanca aquí y convertirán las brechas en trabajo."),
    ("campus.groups", "Students by group", "Estudiantes por grupo"),
    ("campus.set_capacity", "Update capacity", "Actualizar capacidad"),
    ("campus.save", "Save", "Guardar"),
    ("campus.missing", "not reported", "no reportado"),
    ("finder.title", "Find a school", "Buscar una escuela"),
    ("finder.intro", "Every public school in the district, with its rating and programs. Filter by level or neighborhood.", "Todas las escuelas públicas del distrito, con su calificación y programas. Filtre por nivel o vecindario."),
    ("lever1.title", "North Star: students in quality seats", "Estrella del Norte: estudiantes en asientos de calidad"),
    ("lever1.intro", "Share of students enrolled in A- or B-rated schools each year. Years without ratings are gaps, not zeros.", "Porcentaje de estudiantes inscritos en escuelas con calificación A o B cada año. Los años sin calificaciones son vacíos, no ceros."),
    ("lever1.tier", "Tier", "Nivel"),
    ("lever1.students", "Students", "Estudiantes"),
    ("lever1.share", "Share", "Porcentaje"),
    ("lever1.no_ratings", "No ratings this year", "Sin calificaciones este año"),
    ("lever1.actual", "Students in quality seats", "Estudiantes en asientos de calidad"),
    ("lever1.goal_line", "Path to the goal", "Camino hacia la meta"),
    ("lever1.goal", "Goal", "Meta"),
    ("lever1.school_share", "Schools A/B", "Escuelas A/B"),
    ("lever1.expected", "On the path", "En el camino"),
    ("lever1.on_track", "On track", "En camino"),
    ("lever1.method", "Rating method", "Método de calificación"),
    ("lever1.yes", "Yes", "Sí"),
    ("lever1.no", "No", "No"),
    ("lever1.by_group", "Students in quality seats by group", "Estudiantes en asientos de calidad por grupo"),
    ("lever1.set_goal", "Set the North Star goal", "Fijar la meta Estrella del Norte"),
    ("lever1.goal_percent", "Percent of students in quality seats", "Porcentaje de estudiantes en asientos de calidad"),
    ("lever1.goal_year", "By school year (e.g. 2027-2028)", "Para el año escolar (p. ej. 2027-2028)"),
    ("qsa.title", "Quality Seats Analysis", "Análisis de asientos de calidad"),
    ("qsa.missing", "The seat-gap analysis needs planning areas and resident student counts for a rated year. Import planning_areas.geojson and residents.csv on the Data page.", "El análisis de brechas necesita áreas de planificación y conteos de estudiantes residentes para un año calificado. Importe planning_areas.geojson y residents.csv en la página de Datos."),
    ("qsa.intro", "Per neighborhood and grade band: resident students (demand) against seats in A- or B-rated schools serving it (supply). Seats are capacity where known, else enrollment.", "Por vecindario y grupo de grados: estudiantes residentes (demanda) frente a asientos en escuelas A o B que lo atienden (oferta). Los asientos son la capacidad cuando se conoce, si no la inscripción."),
    ("qsa.by", "Seats count for", "Los asientos cuentan para"),
    ("qsa.by_location", "The area the school is in", "El área donde está la escuela"),
    ("qsa.by_zone", "The areas its attendance zone covers", "Las áreas que cubre su zona de asistencia"),
    ("qsa.within", "Count seats within miles (blank: located in the area)", "Contar asientos a menos de millas (en blanco: ubicados en el área)"),
    ("qsa.apply", "Recompute", "Recalcular"),
    ("qsa.map", "Seat gap by neighborhood", "Brecha de asientos por vecindario"),
    ("qsa.surplus", "No gap or a surplus", "Sin brecha o con excedente"),
    ("qsa.largest", "Largest gap", "Mayor brecha"),
    ("qsa.priorities", "Neighborhoods ranked by need", "Vecindarios por necesidad"),
    ("qsa.mean_rank", "Mean rank", "Rango promedio"),
    ("qsa.gap", "Gap", "Brecha"),
    ("qsa.priority", "Priority", "Prioridad"),
    ("qsa.priority_yes", "Priority area", "Área prioritaria"),
    ("qsa.by_band", "Demand, supply and gap by grade band", "Demanda, oferta y brecha por grupo de grados"),
    ("qsa.demand", "Demand", "Demanda"),
    ("qsa.supply", "Supply", "Oferta"),
    ("qsa.service", "Service level", "Nivel de servicio"),
    ("qsa.rank", "Rank", "Rango"),
    ("qsa.no_supply", "No quality seats serve this area in this band.", "Ningún asiento de calidad atiende esta área en este grupo."),
    ("download.xlsx", "Download as a spreadsheet (XLSX)", "Descargar como hoja de cálculo (XLSX)"),
    ("qsa.quality_utilization", "Quality against utilization", "Calidad frente a uso"),
    ("qsa.quality_utilization_intro", "Each school by its overall score and how full it is. Top right: strong and full, candidates to expand. Bottom left: weak and half-empty, candidates for action.", "Cada escuela según su puntaje general y qué tan llena está. Arriba a la derecha: fuertes y llenas, candidatas a ampliar. Abajo a la izquierda: débiles y medio vacías, candidatas a una acción."),
    ("lever1.by_area", "Students in quality seats by neighborhood (schools located there)", "Estudiantes en asientos de calidad por vecindario (escuelas ubicadas allí)"),
    ("framework.title", "Definition of a great school", "Definición de una gran escuela"),
    ("framework.tea", "TEA A–F as is: A and B are quality seats, C mixed, D and F low, Not Rated its own tier", "A–F de TEA tal cual: A y B son asientos de calidad, C mixto, D y F bajo, Sin calificación aparte"),
    ("framework.local", "Local measures", "Medidas locales"),
    ("framework.from", "From school year", "Desde el año escolar"),
    ("framework.kind", "Definition", "Definición"),
    ("framework.achievement", "Student Achievement weight", "Peso de Logro Estudiantil"),
    ("framework.progress", "School Progress weight", "Peso de Progreso Escolar"),
    ("framework.closing_gaps", "Closing the Gaps weight", "Peso de Cerrar las Brechas"),
    ("framework.quality_at", "Quality from score", "Calidad desde el puntaje"),
    ("framework.mixed_at", "Mixed from score", "Mixto desde el puntaje"),
    ("framework.comparable", "Shares are comparable only between years under the same definition and the same TEA rating method (the 2023 refresh changed it).", "Los porcentajes solo son comparables entre años con la misma definición y el mismo método de calificación de TEA (la actualización de 2023 lo cambió)."),
    ("qsa.located", "Schools located in this neighborhood", "Escuelas ubicadas en este vecindario"),
    ("qsa.seats", "Quality seats", "Asientos de calidad"),
    ("projection.title", "Enrollment projections", "Proyecciones de inscripción"),
    ("projection.missing", "Projections need at least three consecutive years of enrollment.", "Las proyecciones necesitan al menos tres años consecutivos de inscripción."),
    ("projection.intro", "Cohort survival: each grade moves up by its average progression ratio over the chosen past transitions; kindergarten follows its trend, and early education and pre-kindergarten follow theirs. The band uses the lowest and highest observed ratios.", "Supervivencia de cohortes: cada grado avanza según su razón de progresión promedio en las transiciones pasadas elegidas; kínder sigue su tendencia, y educación temprana y prekínder siguen las suyas. La banda usa las razones más bajas y más altas observadas."),
    ("projection.from_births", "Kindergarten is projected from births five years earlier (births.csv).", "Kínder se proyecta a partir de los nacimientos cinco años antes (births.csv)."),
    ("projection.from_trend", "Kindergarten follows its own trend; import births.csv to project it from births.", "Kínder sigue su propia tendencia; importe births.csv para proyectarlo a partir de los nacimientos."),
    ("projection.horizon", "Years ahead", "Años hacia adelante"),
    ("projection.transitions", "Past transitions averaged", "Transiciones pasadas promediadas"),
    ("projection.average", "Average of the ratios", "Promedio de las razones"),
    ("projection.mean", "Mean", "Media"),
    ("projection.median", "Median", "Mediana"),
    ("projection.recent", "Weighted to recent years", "Ponderado hacia años recientes"),
    ("projection.actual", "Enrolled", "Inscritos"),
    ("projection.likely", "Likely", "Probable"),
    ("projection.low", "Low", "Bajo"),
    ("projection.high", "High", "Alto"),
    ("projection.backtest", "Back-test error projecting the last two years from the years before (MAPE)", "Error de prueba retrospectiva al proyectar los dos últimos años (MAPE)"),
    ("projection.backtest_short", "Back-test error", "Error retrospectivo"),
    ("projection.campuses", "By school", "Por escuela"),
    ("projection.now", "Now", "Ahora"),
    ("projection.range", "Low–high", "Bajo–alto"),
    ("projection.utilization", "Utilization", "Uso"),
    ("util.over", "over capacity", "sobre capacidad"),
    ("util.near", "near capacity", "cerca de capacidad"),
    ("util.under", "under-used", "subutilizada"),
    ("util.ok", "within range", "en rango"),
    ("triggers.title", "Accountability triggers", "Disparadores de rendición de cuentas"),
    ("triggers.none", "No campus has two consecutive unacceptable ratings.", "Ninguna escuela tiene dos calificaciones inaceptables consecutivas."),
    ("triggers.years", "Consecutive unacceptable years", "Años inaceptables consecutivos"),
    ("triggers.intervention", "Required", "Requerido"),
    ("triggers.closure", "Closure or board of managers (TEC 39A.111)", "Cierre o junta de administradores (TEC 39A.111)"),
    ("triggers.turnaround", "Campus turnaround plan (TEC 39A.101)", "Plan de transformación (TEC 39A.101)"),
    ("triggers.window", "SB 1882 exemption window", "Ventana de exención SB 1882"),
    ("triggers.exemption", "partner-managed: SB 1882 exemption may apply", "administrada por socio: puede aplicar la exención SB 1882"),
    ("scenario.title", "What-if scenarios", "Escenarios hipotéticos"),
    ("scenario.intro", "A scenario is a set of proposed school actions. SGS applies them to the latest rated year and compares the North Star, seat gaps, utilization and displaced students with the baseline.", "Un escenario es un conjunto de acciones escolares propuestas. SGS las aplica al último año calificado y compara la Estrella del Norte, las brechas, el uso y los estudiantes desplazados con la línea base."),
    ("scenario.none", "No scenarios yet.", "Aún no hay escenarios."),
    ("scenario.actions", "actions", "acciones"),
    ("scenario.name", "Name", "Nombre"),
    ("scenario.create", "Create scenario", "Crear escenario"),
    ("scenario.actions_title", "Proposed actions", "Acciones propuestas"),
    ("scenario.empty", "No actions yet: the scenario equals the baseline.", "Aún no hay acciones: el escenario es igual a la línea base."),
    ("scenario.remove", "Remove", "Quitar"),
    ("scenario.result", "Baseline and scenario", "Línea base y escenario"),
    ("scenario.baseline", "Baseline", "Línea base"),
    ("scenario.with", "With the actions", "Con las acciones"),
    ("scenario.displaced", "Students displaced", "Estudiantes desplazados"),
    ("scenario.unplaced", "Displaced without a named school", "Desplazados sin escuela asignada"),
    ("scenario.skipped", "Actions that could not apply", "Acciones que no se pudieron aplicar"),
    ("scenario.new_campus", "Proposed campus", "Escuela propuesta"),
    ("scenario.gaps", "Seat gaps that change", "Brechas que cambian"),
    ("scenario.no_gap_change", "No seat gap changes.", "Ninguna brecha cambia."),
    ("scenario.no_year", "The scenario needs a year with letter ratings.", "El escenario necesita un año con calificaciones."),
    ("scenario.add", "Add an action", "Agregar una acción"),
    ("scenario.add_button", "Add", "Agregar"),
    ("scenario.change_tier", "Restart or redesign: expected tier", "Reinicio o rediseño: nivel esperado"),
    ("scenario.change_seats", "Add or remove seats", "Agregar o quitar asientos"),
    ("scenario.seats_delta", "Seats (negative removes)", "Asientos (negativo quita)"),
    ("scenario.close", "Close and reassign", "Cerrar y reasignar"),
    ("scenario.closing", "Campus to close", "Escuela a cerrar"),
    ("scenario.receiving", "Receiving campuses", "Escuelas receptoras"),
    ("scenario.open", "Open a new campus", "Abrir una escuela nueva"),
    ("scenario.change_grades", "Change grades served", "Cambiar grados atendidos"),
    ("scenario.grade_low", "Lowest grade", "Grado más bajo"),
    ("scenario.grade_high", "Highest grade", "Grado más alto"),
    ("nav.scenarios", "Scenarios", "Escenarios"),
    ("plan.title", "Annual school plan", "Plan escolar anual"),
    ("plan.intro", "Per campus, the school actions the district's policy proposes and why, and the decisions recorded for the plan. Print this page for the board.", "Por escuela, las acciones que propone la política del distrito y por qué, y las decisiones registradas para el plan. Imprima esta página para la junta."),
    ("plan.basis", "The analysis behind the plan", "El análisis detrás del plan"),
    ("plan.record", "Record a decision", "Registrar una decisión"),
    ("plan.action", "School action", "Acción escolar"),
    ("plan.owner", "Owner", "Responsable"),
    ("plan.rationale", "Rationale", "Justificación"),
    ("plan.candidates", "Candidate actions by campus", "Acciones candidatas por escuela"),
    ("plan.candidate_actions", "Candidate actions and reasons", "Acciones candidatas y razones"),
    ("plan.decision", "Decision", "Decisión"),
    ("plan.decisions", "Decisions in the plan", "Decisiones del plan"),
    ("plan.no_decisions", "No decisions recorded yet.", "Aún no hay decisiones registradas."),
    ("plan.policy", "The school-action policy", "La política de acciones escolares"),
    ("plan.policy_intro", "The rules that propose candidate actions. When every condition of a rule holds for a campus, the plan proposes its action for the reason given.", "Las reglas que proponen acciones candidatas. Cuando todas las condiciones de una regla se cumplen para una escuela, el plan propone su acción por la razón indicada."),
    ("plan.when", "When", "Cuando"),
    ("plan.edit_policy", "Edit the policy", "Editar la política"),
    ("plan.policy_json", "Rules (JSON)", "Reglas (JSON)"),
    ("plan.print", "Printing this page leaves out navigation and forms.", "Al imprimir esta página se omiten la navegación y los formularios."),
    ("plan.pdf", "Download as PDF", "Descargar como PDF"),
    ("plan.no_pdf", "A PDF needs Chromium on the server. Print this page from your browser instead; it prints without navigation and forms.", "Un PDF necesita Chromium en el servidor. Imprima esta página desde su navegador; se imprime sin navegación ni formularios."),
    ("action.redesign", "Redesign", "Rediseño"),
    ("action.restart", "Restart", "Reinicio"),
    ("action.new_school", "New school", "Escuela nueva"),
    ("action.replicate_expand", "Replicate or expand", "Replicar o ampliar"),
    ("action.close_and_reassign", "Close and reassign", "Cerrar y reasignar"),
    ("action.partnership", "Partnership", "Alianza"),
    ("action.no_action", "No action", "Sin acción"),
    ("lever2.title", "Schools that may need action", "Escuelas que pueden necesitar acción"),
    ("lever2.intro", "Schools rated D or F in their latest rated year, and schools run by partners under performance contracts.", "Escuelas con calificación D o F en su último año calificado y escuelas administradas por socios con contratos de desempeño."),
    ("lever2.partners", "Partner-managed schools", "Escuelas administradas por socios"),
    ("lever4.title", "Office of Innovation", "Oficina de Innovación"),
    ("assessment.title", "Self-assessment", "Autoevaluación"),
    ("data.title", "Data and imports", "Datos e importaciones"),
    ("data.when", "When", "Cuándo"),
    ("data.who", "Who", "Quién"),
    ("data.kind", "Kind", "Tipo"),
    ("data.file", "File", "Archivo"),
    ("data.status", "Status", "Estado"),
    ("data.rows", "Rows", "Filas"),
    ("data.error", "Error", "Error"),
    ("data.upload", "Import a file", "Importar un archivo"),
    ("data.upload_button", "Import", "Importar"),
    ("data.district_name", "District name (boundary files)", "Nombre del distrito (archivos de límites)"),
    ("data.none", "Nothing imported yet.", "Nada importado todavía."),
    ("audit.title", "Audit log", "Registro de auditoría"),
    ("audit.action", "Action", "Acción"),
    ("audit.entity", "Record", "Registro"),
    ("audit.before", "Before", "Antes"),
    ("audit.after", "After", "Después"),
    ("error.title", "Something went wrong", "Algo salió mal"),
    ("table.show", "Show the numbers", "Mostrar los números"),
    ("home.title", "Districts", "Distritos"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages_and_keys_are_unique() {
        let mut keys: Vec<&str> = MESSAGES.iter().map(|(k, _, _)| *k).collect();
        for (key, en, es) in MESSAGES {
            assert!(!en.trim().is_empty(), "{key} lacks English");
            assert!(!es.trim().is_empty(), "{key} lacks Spanish");
        }
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "duplicate message keys");
    }

    #[test]
    fn accept_language_picks_the_first_supported() {
        assert_eq!(
            Lang::from_accept_language("es-MX,es;q=0.9,en;q=0.8"),
            Some(Lang::Es)
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR, en;q=0.5"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
        assert_eq!(Lang::Es.t("nav.login"), "Iniciar sesión");
    }
}

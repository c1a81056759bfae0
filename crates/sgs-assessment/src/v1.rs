//! The text of rubric version 1, written for SGS from the framework's levers, key practices,
//! preconditions and candidate artifacts. Levels follow the default scale: not yet started,
//! emerging, developing, sustaining.

use crate::rubric::{Idea, Indicator, Lever, Practice, Text};
use Idea::{
    AmbidextrousOrganization as Ambi, DistrictCaseStudies as Cases, HumanCenteredDesign as Hcd,
    ImprovementScience as Is, TargetedUniversalism as Tu,
};

type Pair = [&'static str; 2];

fn t([en, es]: Pair) -> Text {
    Text::new(en, es)
}

fn ind(id: &str, text: Pair, evidence: Pair, ideas: &[Idea], levels: [Pair; 4]) -> Indicator {
    Indicator {
        id: id.to_owned(),
        text: t(text),
        evidence: t(evidence),
        ideas: ideas.to_vec(),
        level_descriptions: levels.into_iter().map(t).collect(),
        retired: false,
    }
}

fn practice(id: &str, name: Pair, indicators: Vec<Indicator>) -> Practice {
    Practice {
        id: id.to_owned(),
        name: t(name),
        indicators,
    }
}

fn lever(id: &str, name: Pair, practices: Vec<Practice>) -> Lever {
    Lever {
        id: id.to_owned(),
        name: t(name),
        practices,
    }
}

/// The six levers of version 1: preconditions A and B, then levers 1–4.
pub(crate) fn levers() -> Vec<Lever> {
    vec![
        understand(),
        will(),
        analyze(),
        expand(),
        access(),
        structures(),
    ]
}

fn understand() -> Lever {
    lever(
        "pa",
        ["Precondition A: Understand the strategy", "Condición previa A: Comprender la estrategia"],
        vec![
            practice(
                "pa.leaders",
                ["Leadership team alignment", "Alineación del equipo directivo"],
                vec![
                    ind(
                        "pa.leaders.levers-explained",
                        [
                            "Every cabinet member can explain the four levers and how they reinforce one another.",
                            "Cada miembro del gabinete puede explicar las cuatro palancas y cómo se refuerzan entre sí.",
                        ],
                        [
                            "Cabinet retreat agenda and notes; leaders' own one-page summaries of the strategy",
                            "Agenda y notas del retiro del gabinete; resúmenes de una página de la estrategia escritos por los propios líderes",
                        ],
                        &[],
                        [
                            ["The levers have not been discussed by the cabinet.", "El gabinete no ha conversado sobre las palancas."],
                            ["A few leaders know the levers; others see them as one more initiative.", "Algunos líderes conocen las palancas; otros las ven como una iniciativa más."],
                            ["Most of the cabinet describes the levers alike, but links between them are fuzzy.", "La mayor parte del gabinete describe las palancas de la misma forma, pero los vínculos entre ellas son difusos."],
                            ["Leaders explain the levers consistently and use them to frame decisions.", "Los líderes explican las palancas de forma coherente y las usan para enmarcar sus decisiones."],
                        ],
                    ),
                    ind(
                        "pa.leaders.design-team",
                        [
                            "A design team with a named lead owns the SGS roadmap and meets on a set schedule.",
                            "Un equipo de diseño con un responsable designado está a cargo de la hoja de ruta de SGS y se reúne con un calendario fijo.",
                        ],
                        [
                            "Design team charter and roster; customized implementation roadmap",
                            "Acta constitutiva y lista de integrantes del equipo de diseño; hoja de ruta de implementación adaptada",
                        ],
                        &[Is],
                        [
                            ["No one is charged with leading the strategy.", "Nadie tiene el encargo de dirigir la estrategia."],
                            ["A lead is named but works alone or without a plan.", "Hay un responsable designado, pero trabaja solo o sin plan."],
                            ["A team meets and follows a roadmap, with gaps in attendance or follow-through.", "Un equipo se reúne y sigue una hoja de ruta, con vacíos de asistencia o de seguimiento."],
                            ["The team meets reliably, tracks roadmap milestones and adjusts the plan each year.", "El equipo se reúne con regularidad, da seguimiento a los hitos de la hoja de ruta y ajusta el plan cada año."],
                        ],
                    ),
                ],
            ),
            practice(
                "pa.plan",
                ["North Star goal in the strategic plan", "Meta Estrella del Norte en el plan estratégico"],
                vec![
                    ind(
                        "pa.plan.north-star",
                        [
                            "The long-term strategic plan sets a North Star: a target number and share of students in A or B schools.",
                            "El plan estratégico a largo plazo fija una Estrella del Norte: una cantidad y un porcentaje meta de estudiantes en escuelas A o B.",
                        ],
                        [
                            "Strategic plan page with the North Star goal, its baseline and target date",
                            "Página del plan estratégico con la meta Estrella del Norte, su punto de partida y su fecha meta",
                        ],
                        &[Tu, Cases],
                        [
                            ["The plan has no goal about students in high-quality schools.", "El plan no tiene una meta sobre estudiantes en escuelas de alta calidad."],
                            ["A quality goal exists but has no number, baseline or date.", "Existe una meta de calidad, pero sin cifra, punto de partida ni fecha."],
                            ["The goal is measurable and dated but not yet used to steer choices.", "La meta es medible y tiene fecha, pero todavía no orienta las decisiones."],
                            ["The measurable goal anchors budgets, plans and reports across the district.", "La meta medible orienta presupuestos, planes e informes en todo el distrito."],
                        ],
                    ),
                    ind(
                        "pa.plan.groups-and-places",
                        [
                            "Progress toward the North Star is broken down by student group and by neighborhood.",
                            "El avance hacia la Estrella del Norte se desglosa por grupo de estudiantes y por vecindario.",
                        ],
                        [
                            "Goal dashboard disaggregated by student group and planning area",
                            "Tablero de la meta desglosado por grupo de estudiantes y por zona de planificación",
                        ],
                        &[Tu],
                        [
                            ["Only district-wide figures are reported.", "Solo se informan cifras de todo el distrito."],
                            ["Some groups or places are reported once, outside the regular cycle.", "Algunos grupos o lugares se informan una vez, fuera del ciclo habitual."],
                            ["Groups and places are reported each year, but gaps do not yet shape strategy.", "Los grupos y lugares se informan cada año, pero las brechas todavía no determinan la estrategia."],
                            ["Each group's and place's gap to the goal drives a targeted strategy.", "La brecha de cada grupo y lugar respecto a la meta impulsa una estrategia focalizada."],
                        ],
                    ),
                ],
            ),
        ],
    )
}

fn will() -> Lever {
    lever(
        "pb",
        ["Precondition B: Political will", "Condición previa B: Voluntad política"],
        vec![
            practice(
                "pb.leadership",
                ["Superintendent and cabinet commitment", "Compromiso del superintendente y del gabinete"],
                vec![
                    ind(
                        "pb.leadership.champion",
                        [
                            "The superintendent publicly champions the strategy and names it in key decisions.",
                            "El superintendente defiende públicamente la estrategia y la menciona en las decisiones clave.",
                        ],
                        [
                            "Superintendent's speeches, newsletters and board presentations citing the strategy",
                            "Discursos, boletines y presentaciones ante la junta del superintendente que citan la estrategia",
                        ],
                        &[Cases],
                        [
                            ["The superintendent has not spoken about the strategy.", "El superintendente no se ha pronunciado sobre la estrategia."],
                            ["The strategy is mentioned occasionally, mostly internally.", "La estrategia se menciona de vez en cuando, sobre todo de forma interna."],
                            ["The superintendent promotes it publicly but not yet through hard decisions.", "El superintendente la promueve en público, pero aún no a través de decisiones difíciles."],
                            ["The superintendent defends the strategy through difficult decisions and leadership changes.", "El superintendente defiende la estrategia ante decisiones difíciles y cambios de liderazgo."],
                        ],
                    ),
                    ind(
                        "pb.leadership.resources",
                        [
                            "The cabinet dedicates budget and staff time to the strategy, not only goodwill.",
                            "El gabinete dedica presupuesto y tiempo del personal a la estrategia, no solo buena voluntad.",
                        ],
                        [
                            "Budget lines and staffing allocations for SGS work",
                            "Partidas presupuestarias y asignación de personal para el trabajo de SGS",
                        ],
                        &[Ambi],
                        [
                            ["No resources are set aside.", "No se han reservado recursos."],
                            ["Work relies on grants or staff volunteering extra time.", "El trabajo depende de subvenciones o de personal que aporta tiempo adicional."],
                            ["Some recurring funds and positions exist but are at risk each budget cycle.", "Hay algunos fondos y puestos recurrentes, pero peligran en cada ciclo presupuestario."],
                            ["Recurring funds and positions are protected in the general budget.", "Los fondos y puestos recurrentes están protegidos en el presupuesto general."],
                        ],
                    ),
                ],
            ),
            practice(
                "pb.board",
                ["Board governance", "Gobernanza de la junta"],
                vec![
                    ind(
                        "pb.board.theory-of-action",
                        [
                            "The board has formally adopted the SGS theory of action.",
                            "La junta adoptó formalmente la teoría de acción de SGS.",
                        ],
                        [
                            "Board resolution adopting the SGS theory of action",
                            "Resolución de la junta que adopta la teoría de acción de SGS",
                        ],
                        &[Cases],
                        [
                            ["The board has not discussed the strategy.", "La junta no ha conversado sobre la estrategia."],
                            ["The board has heard presentations but taken no vote.", "La junta ha escuchado presentaciones, pero no ha votado."],
                            ["A resolution was adopted but is seldom referred to.", "Se adoptó una resolución, pero rara vez se hace referencia a ella."],
                            ["The board cites its theory of action when it sets goals and approves school actions.", "La junta cita su teoría de acción al fijar metas y aprobar acciones escolares."],
                        ],
                    ),
                    ind(
                        "pb.board.outcomes-focus",
                        [
                            "The board governs with a focus on student outcomes, in line with Lone Star Governance.",
                            "La junta gobierna con un enfoque en los resultados de los estudiantes, conforme a Lone Star Governance.",
                        ],
                        [
                            "Board monitoring calendar and minutes; Lone Star Governance self-evaluation",
                            "Calendario de seguimiento y actas de la junta; autoevaluación de Lone Star Governance",
                        ],
                        &[Is],
                        [
                            ["Board time goes mostly to operations and individual complaints.", "El tiempo de la junta se dedica sobre todo a operaciones y quejas individuales."],
                            ["The board has received Lone Star Governance training.", "La junta ha recibido capacitación en Lone Star Governance."],
                            ["Goal progress is monitored on a calendar, though not every meeting keeps to it.", "El avance de las metas se revisa según un calendario, aunque no todas las sesiones lo respetan."],
                            ["Most board time is spent monitoring student outcomes against adopted goals.", "La mayor parte del tiempo de la junta se dedica a revisar los resultados estudiantiles frente a las metas adoptadas."],
                        ],
                    ),
                ],
            ),
            practice(
                "pb.actions",
                ["Openness to every school action", "Apertura a todas las acciones escolares"],
                vec![
                    ind(
                        "pb.actions.all-options",
                        [
                            "Leaders keep every action on the table: new schools, restarts, expansions, and closures with reassignment to better schools.",
                            "Los líderes mantienen todas las acciones sobre la mesa: escuelas nuevas, reinicios, ampliaciones y cierres con reasignación a mejores escuelas.",
                        ],
                        [
                            "Board or cabinet statement listing the actions the district will consider",
                            "Declaración de la junta o del gabinete con la lista de acciones que el distrito considerará",
                        ],
                        &[Cases],
                        [
                            ["Some actions, such as closures or restarts, are ruled out in advance.", "Algunas acciones, como cierres o reinicios, se descartan de antemano."],
                            ["All actions are allowed on paper, but hard ones are avoided in practice.", "En papel se permiten todas las acciones, pero en la práctica se evitan las difíciles."],
                            ["Hard actions have been weighed seriously at least once.", "Las acciones difíciles se han considerado seriamente al menos una vez."],
                            ["The district has taken hard actions when the data called for them and explained why.", "El distrito ha tomado acciones difíciles cuando los datos lo exigían y ha explicado por qué."],
                        ],
                    ),
                    ind(
                        "pb.actions.governance-neutral",
                        [
                            "District-run, partner-run and charter options are judged by the same quality bar.",
                            "Las opciones administradas por el distrito, por socios y por escuelas chárter se evalúan con el mismo estándar de calidad.",
                        ],
                        [
                            "Decision criteria that do not depend on who operates the school",
                            "Criterios de decisión que no dependen de quién opera la escuela",
                        ],
                        &[],
                        [
                            ["Only district-run options are considered.", "Solo se consideran opciones administradas por el distrito."],
                            ["Partners are considered, but under different rules.", "Se consideran socios, pero con reglas distintas."],
                            ["A common quality bar exists but is applied unevenly.", "Existe un estándar común de calidad, pero se aplica de forma desigual."],
                            ["Every operator is held to the same bar and the same performance contract.", "Todo operador responde al mismo estándar y al mismo contrato de desempeño."],
                        ],
                    ),
                ],
            ),
        ],
    )
}

fn analyze() -> Lever {
    lever(
        "l1",
        ["Lever 1: Analyze school performance", "Palanca 1: Analizar el desempeño escolar"],
        vec![
            practice(
                "l1.goals",
                ["Set the right goal", "Fijar la meta correcta"],
                vec![
                    ind(
                        "l1.goals.board-adopted",
                        [
                            "The board has adopted a multi-year goal for the number of students in high-quality seats.",
                            "La junta adoptó una meta plurianual sobre la cantidad de estudiantes en lugares de alta calidad.",
                        ],
                        [
                            "Board-adopted goal with baseline, yearly targets and deadline",
                            "Meta adoptada por la junta con punto de partida, metas anuales y fecha límite",
                        ],
                        &[Tu, Cases],
                        [
                            ["No board goal addresses school quality.", "Ninguna meta de la junta aborda la calidad escolar."],
                            ["A goal is drafted but not adopted.", "Hay una meta en borrador, pero no se ha adoptado."],
                            ["The goal is adopted, with yearly targets still missing.", "La meta está adoptada, pero faltan las metas anuales."],
                            ["The adopted goal has yearly targets and has survived at least one board election.", "La meta adoptada tiene metas anuales y se ha mantenido tras al menos una elección de la junta."],
                        ],
                    ),
                    ind(
                        "l1.goals.progress-reported",
                        [
                            "Progress toward the goal is reported to the board and the public every year.",
                            "El avance hacia la meta se informa a la junta y al público cada año.",
                        ],
                        [
                            "Annual progress report or public dashboard",
                            "Informe anual de avance o tablero público",
                        ],
                        &[Is],
                        [
                            ["Progress is not reported.", "No se informa el avance."],
                            ["Progress is reported when asked, without a fixed format.", "El avance se informa cuando se solicita, sin un formato fijo."],
                            ["A yearly report exists but reaches only the board.", "Existe un informe anual, pero solo llega a la junta."],
                            ["A public report each year shows the trend and what the district will do about it.", "Un informe público anual muestra la tendencia y lo que el distrito hará al respecto."],
                        ],
                    ),
                ],
            ),
            practice(
                "l1.qsa",
                ["Annual quality seats analysis", "Análisis anual de lugares de calidad"],
                vec![
                    ind(
                        "l1.qsa.tiers",
                        [
                            "A school performance framework places every school in a tier using common measures.",
                            "Un marco de desempeño escolar ubica a cada escuela en un nivel con medidas comunes.",
                        ],
                        [
                            "School performance framework document and this year's tier list",
                            "Documento del marco de desempeño escolar y la lista de niveles de este año",
                        ],
                        &[Is],
                        [
                            ["Schools are not compared on common measures.", "Las escuelas no se comparan con medidas comunes."],
                            ["State ratings are listed but not used to tier schools.", "Se enumeran las calificaciones estatales, pero no se usan para clasificar escuelas."],
                            ["Schools are tiered, but the framework has not been tested on past years.", "Las escuelas se clasifican, pero el marco no se ha probado con años anteriores."],
                            ["The framework is tested, published and used to track tiers year over year.", "El marco está probado, publicado y se usa para seguir los niveles de un año a otro."],
                        ],
                    ),
                    ind(
                        "l1.qsa.neighborhoods",
                        [
                            "The analysis names the neighborhoods and student groups with the fewest high-quality seats.",
                            "El análisis identifica los vecindarios y grupos de estudiantes con menos lugares de alta calidad.",
                        ],
                        [
                            "Quality seats analysis with seat-gap maps by planning area",
                            "Análisis de lugares de calidad con mapas de brechas por zona de planificación",
                        ],
                        &[Tu],
                        [
                            ["Seat supply is not analyzed by place.", "La oferta de lugares no se analiza por lugar."],
                            ["A one-time map exists.", "Existe un mapa elaborado una sola vez."],
                            ["Gaps are analyzed yearly by place, but not by student group.", "Las brechas se analizan cada año por lugar, pero no por grupo de estudiantes."],
                            ["Gaps by place and group are refreshed yearly and drive where actions go.", "Las brechas por lugar y grupo se actualizan cada año y determinan dónde se toman acciones."],
                        ],
                    ),
                    ind(
                        "l1.qsa.community-input",
                        [
                            "Families and community members help interpret the analysis and say what schools they want.",
                            "Las familias y la comunidad ayudan a interpretar el análisis y expresan qué escuelas desean.",
                        ],
                        [
                            "Community engagement plan; summaries of meetings, surveys and focus groups",
                            "Plan de participación comunitaria; resúmenes de reuniones, encuestas y grupos focales",
                        ],
                        &[Hcd],
                        [
                            ["The community is not consulted.", "No se consulta a la comunidad."],
                            ["The community is informed of results after decisions.", "Se informa a la comunidad de los resultados después de decidir."],
                            ["Input is gathered before decisions, mostly from the usual voices.", "Se recogen opiniones antes de decidir, sobre todo de las voces habituales."],
                            ["Input from every area, in families' languages, visibly shapes the analysis.", "Las opiniones de todas las zonas, en los idiomas de las familias, influyen de forma visible en el análisis."],
                        ],
                    ),
                ],
            ),
            practice(
                "l1.planning",
                ["Annual portfolio planning", "Planificación anual del portafolio"],
                vec![
                    ind(
                        "l1.planning.action-policy",
                        [
                            "A school-action policy links performance to eligibility for actions, including when the district will not act.",
                            "Una política de acciones escolares vincula el desempeño con la elegibilidad para acciones, incluido cuándo el distrito no actuará.",
                        ],
                        [
                            "Board-adopted school-action policy with eligibility criteria",
                            "Política de acciones escolares adoptada por la junta con criterios de elegibilidad",
                        ],
                        &[Cases],
                        [
                            ["Actions are decided case by case without criteria.", "Las acciones se deciden caso por caso, sin criterios."],
                            ["Criteria are drafted but not adopted.", "Hay criterios en borrador, pero no se han adoptado."],
                            ["An adopted policy exists; cost and expected impact of each action are not yet defined.", "Existe una política adoptada; aún no se definen el costo y el impacto esperado de cada acción."],
                            ["The policy, with costs and expected impact per action, is applied every year.", "La política, con costos e impacto esperado por acción, se aplica cada año."],
                        ],
                    ),
                    ind(
                        "l1.planning.portfolio-plan",
                        [
                            "An annual portfolio plan states which actions happen in which schools and over what time.",
                            "Un plan anual de portafolio indica qué acciones se realizan en qué escuelas y en qué plazo.",
                        ],
                        [
                            "Annual school (portfolio) plan with a multi-year action calendar",
                            "Plan anual escolar (de portafolio) con un calendario de acciones plurianual",
                        ],
                        &[Ambi],
                        [
                            ["No district-wide plan for school actions exists.", "No existe un plan de acciones escolares para todo el distrito."],
                            ["Actions are listed for the coming year only.", "Solo se enumeran acciones para el próximo año."],
                            ["A multi-year plan exists, but departments sequence their work separately.", "Existe un plan plurianual, pero los departamentos organizan su trabajo por separado."],
                            ["One multi-year plan coordinates improvement of existing schools and creation of new ones.", "Un solo plan plurianual coordina la mejora de las escuelas existentes y la creación de nuevas."],
                        ],
                    ),
                    ind(
                        "l1.planning.engagement-plan",
                        [
                            "The Chief Innovation Officer runs an engagement plan that keeps senior leaders and the board informed along the way.",
                            "El director de innovación lleva a cabo un plan de participación que mantiene informados a los altos directivos y a la junta durante todo el proceso.",
                        ],
                        [
                            "Senior leadership and board engagement plan with its calendar",
                            "Plan de participación de altos directivos y junta con su calendario",
                        ],
                        &[Hcd],
                        [
                            ["Leaders and board first see recommendations at the vote.", "Los directivos y la junta ven las recomendaciones por primera vez al votar."],
                            ["Briefings happen, but irregularly.", "Hay sesiones informativas, pero irregulares."],
                            ["A planned sequence of briefings exists for each cycle.", "Existe una secuencia planificada de sesiones informativas en cada ciclo."],
                            ["Leaders and board shape options early, so votes hold few surprises.", "Los directivos y la junta influyen en las opciones desde el principio, así que las votaciones traen pocas sorpresas."],
                        ],
                    ),
                ],
            ),
        ],
    )
}

fn expand() -> Lever {
    lever(
        "l2",
        ["Lever 2: Expand great options", "Palanca 2: Ampliar las buenas opciones"],
        vec![
            practice(
                "l2.cqs",
                ["Call for Quality Schools and authorizing", "Convocatoria de Escuelas de Calidad y autorización"],
                vec![
                    ind(
                        "l2.cqs.call-published",
                        [
                            "An annual Call for Quality Schools states the needs found in the seats analysis, in governance-neutral terms.",
                            "Una Convocatoria de Escuelas de Calidad anual expone las necesidades halladas en el análisis de lugares, sin favorecer ningún tipo de gestión.",
                        ],
                        [
                            "Call for Quality Schools document with a student-based budgeting template",
                            "Documento de la Convocatoria de Escuelas de Calidad con una plantilla de presupuesto por estudiante",
                        ],
                        &[Tu],
                        [
                            ["No call is issued.", "No se publica ninguna convocatoria."],
                            ["A call is issued, but not tied to identified needs.", "Se publica una convocatoria, pero no se vincula con las necesidades identificadas."],
                            ["The call follows the analysis but is open only to district teams.", "La convocatoria se basa en el análisis, pero solo está abierta a equipos del distrito."],
                            ["A yearly call, grounded in the analysis, draws district and partner applicants.", "Una convocatoria anual, basada en el análisis, atrae solicitantes del distrito y de socios."],
                        ],
                    ),
                    ind(
                        "l2.cqs.rigorous-review",
                        [
                            "Proposals are scored against a published rubric, with families and community taking part.",
                            "Las propuestas se califican con una rúbrica publicada, con la participación de las familias y la comunidad.",
                        ],
                        [
                            "Evaluation rubric, reviewer roster, community session records",
                            "Rúbrica de evaluación, lista de evaluadores, registros de las sesiones con la comunidad",
                        ],
                        &[Hcd],
                        [
                            ["Proposals are chosen informally.", "Las propuestas se eligen de manera informal."],
                            ["A rubric exists, but the decision is made elsewhere.", "Existe una rúbrica, pero la decisión se toma en otro lugar."],
                            ["Reviewers use the rubric; community input is limited to a hearing.", "Los evaluadores usan la rúbrica; la participación comunitaria se limita a una audiencia pública."],
                            ["Scores drive decisions and community members sit on review panels.", "Los puntajes guían las decisiones y miembros de la comunidad forman parte de los paneles de evaluación."],
                        ],
                    ),
                    ind(
                        "l2.cqs.authorizing-policy",
                        [
                            "The board has a quality authorizing policy, and an authorizer handbook sets out performance contracts.",
                            "La junta tiene una política de autorización de calidad y un manual del autorizador define los contratos de desempeño.",
                        ],
                        [
                            "Quality authorizing policy; authorizer handbook; signed performance contracts",
                            "Política de autorización de calidad; manual del autorizador; contratos de desempeño firmados",
                        ],
                        &[Cases],
                        [
                            ["There is no authorizing policy.", "No hay política de autorización."],
                            ["A policy is being drafted.", "Se está redactando una política."],
                            ["The policy is adopted; the handbook or contracts are incomplete.", "La política está adoptada; el manual o los contratos están incompletos."],
                            ["Every partner-run school has a performance contract that is monitored and enforced.", "Cada escuela administrada por un socio tiene un contrato de desempeño supervisado y aplicado."],
                        ],
                    ),
                ],
            ),
            practice(
                "l2.talent",
                ["Talent pipeline", "Canal de formación de talento"],
                vec![
                    ind(
                        "l2.talent.landscape",
                        [
                            "The district estimates how many school leaders and operators it will need in coming years.",
                            "El distrito estima cuántos líderes escolares y operadores necesitará en los próximos años.",
                        ],
                        [
                            "Talent landscape analysis",
                            "Análisis del panorama de talento",
                        ],
                        &[Is],
                        [
                            ["Leadership needs are not forecast.", "No se pronostican las necesidades de liderazgo."],
                            ["Vacancies are filled as they arise.", "Las vacantes se cubren a medida que surgen."],
                            ["A forecast exists for the next year.", "Existe un pronóstico para el próximo año."],
                            ["A multi-year forecast, updated yearly, matches planned school actions.", "Un pronóstico plurianual, actualizado cada año, corresponde a las acciones escolares previstas."],
                        ],
                    ),
                    ind(
                        "l2.talent.pipeline-plan",
                        [
                            "A long-term plan finds, trains, empowers and supports leaders ready to answer the Call for Quality Schools.",
                            "Un plan a largo plazo identifica, forma, faculta y apoya a líderes preparados para responder a la Convocatoria de Escuelas de Calidad.",
                        ],
                        [
                            "Long-term talent pipeline plan; fellowship or residency cohort lists",
                            "Plan a largo plazo de formación de talento; listas de cohortes de becas o residencias",
                        ],
                        &[Cases],
                        [
                            ["No pipeline exists.", "No existe un canal de formación."],
                            ["Individual leaders are coached, without a program.", "Se acompaña a algunos líderes, sin un programa."],
                            ["A program trains leaders, but few go on to open or restart schools.", "Un programa forma líderes, pero pocos llegan a abrir o reiniciar escuelas."],
                            ["The pipeline reliably supplies leaders for each year's school actions.", "El canal proporciona de forma constante líderes para las acciones escolares de cada año."],
                        ],
                    ),
                ],
            ),
            practice(
                "l2.actions",
                ["Strategic school actions", "Acciones escolares estratégicas"],
                vec![
                    ind(
                        "l2.actions.yearly-action",
                        [
                            "At least one school action a year (new, expanded or restarted school) follows from the seats analysis.",
                            "Al menos una acción escolar al año (escuela nueva, ampliada o reiniciada) se deriva del análisis de lugares.",
                        ],
                        [
                            "Board approvals of school actions, each tied to a need in the analysis",
                            "Aprobaciones de la junta de acciones escolares, cada una vinculada a una necesidad del análisis",
                        ],
                        &[Cases, Ambi],
                        [
                            ["No school action has been taken.", "No se ha tomado ninguna acción escolar."],
                            ["An action was taken, but not because of the analysis.", "Se tomó una acción, pero no a raíz del análisis."],
                            ["Actions follow the analysis, though not every year.", "Las acciones se basan en el análisis, aunque no todos los años."],
                            ["Every year brings at least one action aimed at the largest seat gaps.", "Cada año se toma al menos una acción dirigida a las mayores brechas de lugares."],
                        ],
                    ),
                    ind(
                        "l2.actions.pre-opening",
                        [
                            "Every new or restarted campus follows a pre-opening plan with milestones.",
                            "Cada escuela nueva o reiniciada sigue un plan previo a la apertura con hitos.",
                        ],
                        [
                            "Pre-opening plans with milestone tracking",
                            "Planes previos a la apertura con seguimiento de hitos",
                        ],
                        &[Is],
                        [
                            ["Schools open without a plan.", "Las escuelas abren sin un plan."],
                            ["Plans exist for some campuses.", "Hay planes para algunas escuelas."],
                            ["Every campus has a plan; milestones are not always tracked.", "Cada escuela tiene un plan; los hitos no siempre se siguen."],
                            ["Milestones are tracked and late ones trigger support before opening day.", "Los hitos se siguen y los retrasos activan apoyo antes del día de apertura."],
                        ],
                    ),
                    ind(
                        "l2.actions.learning",
                        [
                            "The results of past actions are studied and the lessons change the next cycle.",
                            "Se estudian los resultados de las acciones anteriores y las lecciones modifican el siguiente ciclo.",
                        ],
                        [
                            "Review of past actions' outcomes; changes to policy or process that followed",
                            "Revisión de los resultados de acciones anteriores; cambios de política o de proceso posteriores",
                        ],
                        &[Is, Cases],
                        [
                            ["Past actions are not reviewed.", "No se revisan las acciones anteriores."],
                            ["Outcomes are reviewed informally.", "Los resultados se revisan de manera informal."],
                            ["A yearly review compares outcomes with predictions.", "Una revisión anual compara los resultados con lo previsto."],
                            ["Review findings have visibly changed how actions are chosen or supported.", "Los hallazgos de la revisión han cambiado de forma visible cómo se eligen o apoyan las acciones."],
                        ],
                    ),
                ],
            ),
        ],
    )
}

fn access() -> Lever {
    lever(
        "l3",
        ["Lever 3: Improve access to options", "Palanca 3: Mejorar el acceso a las opciones"],
        vec![
            practice(
                "l3.policy",
                ["Equitable enrollment policies", "Políticas de inscripción equitativas"],
                vec![
                    ind(
                        "l3.policy.open-access",
                        [
                            "Any family may apply to any school, with safeguards so all schools share responsibility for students historically underserved.",
                            "Cualquier familia puede solicitar cualquier escuela, con salvaguardas para que todas compartan la responsabilidad por los estudiantes históricamente desatendidos.",
                        ],
                        [
                            "Equitable enrollment policy",
                            "Política de inscripción equitativa",
                        ],
                        &[Tu],
                        [
                            ["Students may attend only their zoned school.", "Los estudiantes solo pueden asistir a la escuela de su zona."],
                            ["Transfers exist but depend on who knows how to ask.", "Hay traslados, pero dependen de quién sabe cómo solicitarlos."],
                            ["Open access is policy; safeguards for underserved students are partial.", "El acceso abierto es política; las salvaguardas para estudiantes desatendidos son parciales."],
                            ["Open access and safeguards work together and their effects are monitored by group.", "El acceso abierto y las salvaguardas funcionan juntos y sus efectos se supervisan por grupo."],
                        ],
                    ),
                    ind(
                        "l3.policy.transportation",
                        [
                            "Transportation lets students reach programs outside their zone.",
                            "El transporte permite a los estudiantes llegar a programas fuera de su zona.",
                        ],
                        [
                            "Transportation plan with routes to choice programs",
                            "Plan de transporte con rutas a los programas de elección",
                        ],
                        &[Tu],
                        [
                            ["Choice is open only to families who can drive.", "La elección solo está abierta a familias que pueden llevar a sus hijos en auto."],
                            ["Some routes serve a few programs.", "Algunas rutas sirven a unos pocos programas."],
                            ["Most programs are reachable, with long rides from some neighborhoods.", "La mayoría de los programas son accesibles, con trayectos largos desde algunos vecindarios."],
                            ["Routes are designed from where students live, and ride times are monitored.", "Las rutas se diseñan según dónde viven los estudiantes y se supervisan los tiempos de viaje."],
                        ],
                    ),
                ],
            ),
            practice(
                "l3.information",
                ["School choice information", "Información para elegir escuela"],
                vec![
                    ind(
                        "l3.information.school-guide",
                        [
                            "A school guide, online and in print and in families' languages, covers every option with its performance.",
                            "Una guía de escuelas, en línea e impresa y en los idiomas de las familias, presenta todas las opciones con su desempeño.",
                        ],
                        [
                            "School choice guide and school finder",
                            "Guía para elegir escuela y buscador de escuelas",
                        ],
                        &[Hcd],
                        [
                            ["Families must contact schools one by one.", "Las familias deben comunicarse con las escuelas una por una."],
                            ["A list of schools exists without performance information.", "Existe una lista de escuelas sin información de desempeño."],
                            ["A guide covers all schools, in some languages or formats only.", "Una guía abarca todas las escuelas, pero solo en algunos idiomas o formatos."],
                            ["The guide was tested with families and is updated before each enrollment season.", "La guía se probó con las familias y se actualiza antes de cada temporada de inscripción."],
                        ],
                    ),
                    ind(
                        "l3.information.outreach",
                        [
                            "Expos, navigators and a help line reach families who are least likely to choose.",
                            "Ferias, orientadores y una línea de ayuda llegan a las familias con menos probabilidades de elegir.",
                        ],
                        [
                            "Outreach calendar; participation by neighborhood",
                            "Calendario de difusión; participación por vecindario",
                        ],
                        &[Hcd, Tu],
                        [
                            ["No outreach beyond the website.", "No hay difusión más allá del sitio web."],
                            ["A school expo is held.", "Se realiza una feria de escuelas."],
                            ["Several channels exist; reach is not measured.", "Existen varios canales; no se mide su alcance."],
                            ["Outreach is aimed at low-participation areas and participation gaps are shrinking.", "La difusión se dirige a zonas de baja participación y las brechas de participación se reducen."],
                        ],
                    ),
                ],
            ),
            practice(
                "l3.enrollment",
                ["Unified, transparent enrollment", "Inscripción unificada y transparente"],
                vec![
                    ind(
                        "l3.enrollment.one-application",
                        [
                            "One application, one timeline, one lottery and one offer cover district and partner schools.",
                            "Una sola solicitud, un solo calendario, un solo sorteo y una sola oferta abarcan las escuelas del distrito y de los socios.",
                        ],
                        [
                            "Unified enrollment rules and calendar",
                            "Reglas y calendario de inscripción unificada",
                        ],
                        &[Hcd, Cases],
                        [
                            ["Each school runs its own application.", "Cada escuela tiene su propia solicitud."],
                            ["Some programs share an application.", "Algunos programas comparten una solicitud."],
                            ["All district schools share one process; partner schools do not.", "Todas las escuelas del distrito comparten un proceso; las de los socios no."],
                            ["Every publicly funded option in the district uses the single process.", "Todas las opciones con financiamiento público del distrito usan el proceso único."],
                        ],
                    ),
                    ind(
                        "l3.enrollment.transparent-match",
                        [
                            "The matching rules and priorities are published and results can be checked.",
                            "Las reglas de asignación y las prioridades se publican y los resultados pueden verificarse.",
                        ],
                        [
                            "Published matching algorithm description and priority rules",
                            "Descripción publicada del algoritmo de asignación y de las reglas de prioridad",
                        ],
                        &[],
                        [
                            ["Placements are decided by staff without published rules.", "El personal decide las asignaciones sin reglas publicadas."],
                            ["Priorities are published, the matching process is not.", "Se publican las prioridades, pero no el proceso de asignación."],
                            ["Rules and process are published.", "Se publican las reglas y el proceso."],
                            ["Rules are published and results are independently checked each year.", "Las reglas se publican y los resultados se verifican de forma independiente cada año."],
                        ],
                    ),
                    ind(
                        "l3.enrollment.priority-access",
                        [
                            "Students zoned to low-performing schools get preferred access to high-performing ones.",
                            "Los estudiantes asignados por zona a escuelas de bajo desempeño tienen acceso preferente a escuelas de alto desempeño.",
                        ],
                        [
                            "Priority rules and offers to these students, by school",
                            "Reglas de prioridad y ofertas a estos estudiantes, por escuela",
                        ],
                        &[Tu, Cases],
                        [
                            ["No such priority exists.", "No existe tal prioridad."],
                            ["The priority is under discussion.", "La prioridad está en discusión."],
                            ["The priority exists; its effect is not tracked.", "La prioridad existe; no se da seguimiento a su efecto."],
                            ["Offers to these students are tracked and rise year over year.", "Las ofertas a estos estudiantes se siguen y aumentan de un año a otro."],
                        ],
                    ),
                ],
            ),
        ],
    )
}

fn structures() -> Lever {
    lever(
        "l4",
        ["Lever 4: Create new organizational structures", "Palanca 4: Crear nuevas estructuras organizativas"],
        vec![
            practice(
                "l4.office",
                ["Office of Innovation", "Oficina de Innovación"],
                vec![
                    ind(
                        "l4.office.org-chart",
                        [
                            "An Office of Innovation led by a Chief Innovation Officer has defined roles and staff.",
                            "Una Oficina de Innovación dirigida por un director de innovación cuenta con funciones y personal definidos.",
                        ],
                        [
                            "Office of Innovation org chart and job descriptions",
                            "Organigrama y descripciones de puestos de la Oficina de Innovación",
                        ],
                        &[Ambi, Cases],
                        [
                            ["No one leads innovation work.", "Nadie dirige el trabajo de innovación."],
                            ["Innovation duties are added to an existing role.", "Las tareas de innovación se añaden a un puesto existente."],
                            ["An office exists but lacks analytics or authorizing capacity.", "Existe una oficina, pero le falta capacidad de análisis o de autorización."],
                            ["A fully staffed office runs the call, authorizing and the portfolio review.", "Una oficina con todo su personal gestiona la convocatoria, la autorización y la revisión del portafolio."],
                        ],
                    ),
                    ind(
                        "l4.office.integration",
                        [
                            "The Chief Innovation Officer sits on the cabinet, where new-school work and support for existing schools are weighed together.",
                            "El director de innovación forma parte del gabinete, donde el trabajo de nuevas escuelas y el apoyo a las existentes se valoran en conjunto.",
                        ],
                        [
                            "Cabinet roster and agendas showing joint portfolio decisions",
                            "Lista de integrantes y agendas del gabinete que muestran decisiones conjuntas sobre el portafolio",
                        ],
                        &[Ambi],
                        [
                            ["Innovation work is invisible at cabinet level.", "El trabajo de innovación no es visible en el gabinete."],
                            ["Innovation is reported to cabinet occasionally.", "La innovación se informa al gabinete de vez en cuando."],
                            ["The officer is on the cabinet, but resources for new and existing schools are set apart.", "El director está en el gabinete, pero los recursos para escuelas nuevas y existentes se asignan por separado."],
                            ["Cabinet sets one resource plan that balances new options with improving current schools.", "El gabinete fija un solo plan de recursos que equilibra nuevas opciones con la mejora de las escuelas actuales."],
                        ],
                    ),
                ],
            ),
            practice(
                "l4.autonomy",
                ["School autonomy and funding", "Autonomía y financiamiento escolar"],
                vec![
                    ind(
                        "l4.autonomy.provisions",
                        [
                            "Written provisions state which decisions schools control (staffing, schedule, program, budget) and who qualifies.",
                            "Disposiciones por escrito indican qué decisiones controlan las escuelas (personal, horario, programa, presupuesto) y quién califica.",
                        ],
                        [
                            "Autonomy provisions; list of schools using them",
                            "Disposiciones de autonomía; lista de escuelas que las usan",
                        ],
                        &[Is],
                        [
                            ["Decisions are made centrally.", "Las decisiones se toman de forma centralizada."],
                            ["Some principals get informal exceptions.", "Algunos directores obtienen excepciones informales."],
                            ["A written pilot gives chosen schools defined autonomies and states what the district wants to learn.", "Un piloto escrito otorga a ciertas escuelas autonomías definidas y declara lo que el distrito quiere aprender."],
                            ["Autonomies are codified, extended based on pilot results, and earned by performance.", "Las autonomías están codificadas, se amplían según los resultados del piloto y se obtienen por desempeño."],
                        ],
                    ),
                    ind(
                        "l4.autonomy.student-based-budgeting",
                        [
                            "Funding follows students through a student-based budget, and most dollars reach schools.",
                            "El financiamiento sigue a los estudiantes mediante un presupuesto por estudiante, y la mayor parte de los fondos llega a las escuelas.",
                        ],
                        [
                            "Student-based budgeting model and share of funds controlled by schools",
                            "Modelo de presupuesto por estudiante y porcentaje de fondos controlado por las escuelas",
                        ],
                        &[Tu],
                        [
                            ["Schools receive staff positions, not dollars.", "Las escuelas reciben puestos de personal, no dinero."],
                            ["A model is being designed.", "Se está diseñando un modelo."],
                            ["The model is used for part of the budget or some schools.", "El modelo se usa para parte del presupuesto o para algunas escuelas."],
                            ["All schools are funded by the model, with weights for students who need more.", "Todas las escuelas se financian con el modelo, con ponderaciones para los estudiantes que necesitan más."],
                        ],
                    ),
                ],
            ),
            practice(
                "l4.service",
                ["A central office that serves schools", "Una oficina central al servicio de las escuelas"],
                vec![
                    ind(
                        "l4.service.principal-feedback",
                        [
                            "Central departments ask principals how well they are served and change services in response.",
                            "Los departamentos centrales preguntan a los directores qué tan bien los atienden y cambian sus servicios en consecuencia.",
                        ],
                        [
                            "Principal service survey results and the changes that followed",
                            "Resultados de la encuesta de servicio a directores y los cambios que siguieron",
                        ],
                        &[Hcd],
                        [
                            ["Principals are not asked.", "No se consulta a los directores."],
                            ["Feedback is collected informally.", "Las opiniones se recogen de manera informal."],
                            ["A yearly survey is run; few changes result.", "Se aplica una encuesta anual; resultan pocos cambios."],
                            ["Departments publish survey results and act on them.", "Los departamentos publican los resultados de la encuesta y actúan en consecuencia."],
                        ],
                    ),
                    ind(
                        "l4.service.improvement-cycles",
                        [
                            "Central teams improve their processes with short test cycles and measures tracked over time.",
                            "Los equipos centrales mejoran sus procesos con ciclos de prueba cortos y medidas seguidas en el tiempo.",
                        ],
                        [
                            "Driver diagrams, PDSA logs and run charts for central processes",
                            "Diagramas de impulsores, registros PDSA y gráficos de tendencia de los procesos centrales",
                        ],
                        &[Is],
                        [
                            ["Processes change only by mandate.", "Los procesos cambian solo por mandato."],
                            ["A team has tried an improvement cycle.", "Un equipo ha probado un ciclo de mejora."],
                            ["Several teams run cycles, with measures kept inconsistently.", "Varios equipos hacen ciclos, con medidas registradas de forma irregular."],
                            ["Improvement cycles are routine and results are shared across departments.", "Los ciclos de mejora son habituales y los resultados se comparten entre departamentos."],
                        ],
                    ),
                ],
            ),
        ],
    )
}

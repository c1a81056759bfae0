//! The framework's year-one roadmap: six steps a district takes in its first year of a System of
//! Great Schools, each with the months from the start by which it is usually done. An initiative
//! can take them as its milestones.

use crate::words::Text;

/// One step of the roadmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoadmapStep {
    /// Its number, 1 to 6.
    pub step: i64,
    /// What the step is, in English.
    pub en: &'static str,
    /// And in Spanish.
    pub es: &'static str,
    /// Months from the start of the year by which it is due.
    pub months: u32,
}

impl RoadmapStep {
    /// The step in both languages.
    pub fn text(&self) -> Text {
        Text::new(self.en, self.es)
    }
}

/// The six steps, in order.
pub const YEAR_ONE: [RoadmapStep; 6] = [
    RoadmapStep {
        step: 1,
        en: "Understand the System of Great Schools strategy and the district's starting point",
        es: "Comprender la estrategia del Sistema de Grandes Escuelas y el punto de partida del distrito",
        months: 1,
    },
    RoadmapStep {
        step: 2,
        en: "Launch the design team and choose this year's levers",
        es: "Lanzar el equipo de diseño y elegir las palancas del año",
        months: 2,
    },
    RoadmapStep {
        step: 3,
        en: "Define great and run the Quality Seats Analysis",
        es: "Definir la excelencia y hacer el Análisis de Asientos de Calidad",
        months: 4,
    },
    RoadmapStep {
        step: 4,
        en: "Decide school actions",
        es: "Decidir las acciones escolares",
        months: 6,
    },
    RoadmapStep {
        step: 5,
        en: "Plan and execute school actions (Call for Quality Schools, authorizing)",
        es: "Planificar y ejecutar las acciones escolares (Convocatoria de Escuelas de Calidad, autorización)",
        months: 9,
    },
    RoadmapStep {
        step: 6,
        en: "Align talent and the central office to serve schools",
        es: "Alinear el talento y la oficina central al servicio de las escuelas",
        months: 12,
    },
];
